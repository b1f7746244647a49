import { describeConformance } from './environment';

/** AWS's recorded answers for lambda (cases/lambda/*.json, each with its source), replayed through the SDK. */
describeConformance('lambda');
