import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Every table DynamoDB Local holds (none without it), page after page. */
export async function listTables(client: DynamoDBClient | undefined): Promise<string[]> {
  if (client === undefined) return [];
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand(start === undefined ? {} : { ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  return names;
}
