import { describeConformance } from './environment';

/** AWS's recorded answers for sqs (cases/sqs/*.json, each with its source), replayed through the SDK. */
describeConformance('sqs');
