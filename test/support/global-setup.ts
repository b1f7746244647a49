import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/dynamodb-local';

declare global {
  // eslint-disable-next-line no-var
  var __DYNAMODB_LOCAL__: DynamoDbLocal | undefined;
}

/** One DynamoDB Local for the whole run; each test file creates its own uniquely named tables. */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  globalThis.__DYNAMODB_LOCAL__ = dynamo;
  process.env['DYNAMODB_TEST_ENDPOINT'] = dynamo.endpoint;
}
