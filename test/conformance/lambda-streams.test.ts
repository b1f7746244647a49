import { describeConformance } from './environment';

/**
 * AWS's recorded answers for DynamoDB Streams event source mappings (cases/lambda/esm-dynamodb-*.json),
 * replayed through the SDK against a local cloud running DynamoDB Local.
 */
describeConformance('lambda', { dynamodb: true, files: (file) => file.startsWith('esm-dynamodb-') });
