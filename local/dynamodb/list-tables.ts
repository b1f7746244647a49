import { paginateListTables, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Every table DynamoDB Local holds (none without it): the SDK's paginator follows
 * `LastEvaluatedTableName` page after page. The console's topology and `POST /_local/reset` list them.
 */
export async function listTables(client: DynamoDBClient | undefined): Promise<string[]> {
  if (client === undefined) return [];
  const names: string[] = [];
  for await (const page of paginateListTables({ client }, {})) names.push(...(page.TableNames ?? []));
  return names;
}
