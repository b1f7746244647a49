import { BatchWriteItemCommand, DescribeTableCommand, ScanCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { listTables } from '../dynamodb/list-tables';

/** DynamoDB's largest BatchWriteItem. */
const BATCH = 25;

/**
 * Deletes every item of every table, keeping the tables (their settings, indexes and streams: the
 * deployed app's mappings read those streams by ARN, which a table created again would change).
 * Answers the items removed per table that had any. The stream records of the deletes (REMOVE) reach
 * the tables' stream mappings as on AWS.
 */
export async function emptyTables(client: DynamoDBClient): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const table of await listTables(client)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    const keyNames = (Table?.KeySchema ?? []).map((key) => key.AttributeName!);
    const names = Object.fromEntries(keyNames.map((name, i) => [`#k${i}`, name]));
    let count = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: table, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }),
      );
      const items = page.Items ?? [];
      for (let i = 0; i < items.length; i += BATCH) {
        await deleteAll(client, table, items.slice(i, i + BATCH).map((key) => ({ DeleteRequest: { Key: key } })));
      }
      count += items.length;
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start !== undefined);
    if (count > 0) removed[table] = count;
  }
  return removed;
}

/** One batch, sending again what DynamoDB left unprocessed (it may, under load). */
async function deleteAll(client: DynamoDBClient, table: string, requests: WriteRequest[]): Promise<void> {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 10) throw new Error(`table ${table}: ${pending.length} deletes stayed unprocessed after ${attempt} attempts`);
    const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
    pending = answer.UnprocessedItems?.[table] ?? [];
  }
}
