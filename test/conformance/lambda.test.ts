import { describeConformance } from './environment';

/**
 * AWS's recorded answers for lambda (cases/lambda/*.json, each with its source), replayed through the
 * SDK; the DynamoDB stream cases run in lambda-streams.test.ts, with DynamoDB Local.
 */
describeConformance('lambda', { files: (file) => !file.startsWith('esm-dynamodb-') });
