import { CreateTableCommand, DynamoDBClient, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';

/** A document client on the DynamoDB Local of this test run. */
export const testDynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env['DYNAMODB_TEST_ENDPOINT'] }));

/**
 * Creates a table shaped like `ServiceTable` (pk/sk strings, optional GSIs, a stream) under a unique name, so
 * test files running in parallel never share state.
 */
export async function createServiceTable(service: string, indexes: Array<{ name: string; partitionKey: string; sortKey?: string }> = []): Promise<string> {
  const tableName = `${service}-${randomUUID().slice(0, 8)}`;
  const attributes = new Map([['pk', 'S'], ['sk', 'S']]);
  const gsis: GlobalSecondaryIndex[] = indexes.map((index) => {
    attributes.set(index.partitionKey, 'S');
    if (index.sortKey !== undefined) attributes.set(index.sortKey, 'S');
    return {
      IndexName: index.name,
      KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }, ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : [])],
      Projection: { ProjectionType: 'ALL' },
    };
  });
  await testDynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType: AttributeType as 'S' })),
      ...(gsis.length > 0 ? { GlobalSecondaryIndexes: gsis } : {}),
      // As a publishing service's table: the outbox relay reads the stream (test/support/outbox.ts).
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  return tableName;
}

export async function getItem(tableName: string, pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await testDynamo.send(new GetCommand({ TableName: tableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

export async function queryPartition(tableName: string, pk: string): Promise<Array<Record<string, unknown>>> {
  return (await testDynamo.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }))).Items ?? [];
}

/** Every item whose pk starts with the prefix (test tables are small). */
export async function scanPrefix(tableName: string, prefix: string): Promise<Array<Record<string, unknown>>> {
  const { Items = [] } = await testDynamo.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return Items.filter((item) => String(item['pk']).startsWith(prefix));
}

/** Creates a table shaped like `FailureTable` (keyed by message id) under a unique name. */
export async function createFailureTable(service: string): Promise<string> {
  const tableName = `${service}-failures-${randomUUID().slice(0, 8)}`;
  await testDynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'messageId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'messageId', AttributeType: 'S' }],
    }),
  );
  return tableName;
}
