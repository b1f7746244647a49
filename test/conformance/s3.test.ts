import { describeConformance } from './environment';

/** AWS's recorded answers for s3 (cases/s3/*.json, each with its source), replayed through the SDK. */
describeConformance('s3');
