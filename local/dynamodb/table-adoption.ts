import { DescribeTableCommand, DescribeTimeToLiveCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { ResourceProviderError, type Properties } from '../cloudformation/provider';

/** Clients of a DynamoDB Local whose database outlives the cloud (`--persist`): their existing tables are adopted. */
const adopting = new WeakSet<DynamoDBClient>();

/**
 * Creating a table that already exists through this client adopts it, items and all, instead of
 * failing: with `--persist`, the database keeps the tables an earlier run of the app created, and the
 * deployment that runs again at start must find them, not empty them. (CloudFormation would refuse a
 * name in use; without `--persist` the database starts empty and that stays so.)
 */
export function adoptExistingTables(client: DynamoDBClient): void {
  adopting.add(client);
}

/**
 * An existing table as the template properties it matches, so the provider can bring it to the
 * template as an update would (indexes, stream, time to live); undefined when there is no such
 * table or this client does not adopt. A different key schema cannot be adopted (AWS would replace
 * the table): that is an error naming the table and what to do.
 */
export async function adoptableTable(client: DynamoDBClient, name: string, template: Properties): Promise<Properties | undefined> {
  if (!adopting.has(client)) return undefined;
  let table: TableDescription | undefined;
  try {
    table = (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
  if (table === undefined) return undefined;
  if (keys(table.KeySchema) !== keys(template['KeySchema'])) {
    throw new ResourceProviderError(
      `table ${name} kept in the persist directory has the key schema ${keys(table.KeySchema)}, the app now wants ${keys(template['KeySchema'])}: ` +
        'a key schema cannot change in place; start with another --persist directory (or an empty one) to create it anew',
    );
  }
  const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const onDemand = table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
  const templateOnDemand = template['BillingMode'] === 'PAY_PER_REQUEST';
  const wanted = new Map(((template['GlobalSecondaryIndexes'] as Array<Record<string, unknown>> | undefined) ?? []).map((index) => [index['IndexName'], index]));
  const indexes = (table.GlobalSecondaryIndexes ?? []).map((index) => {
    const same = wanted.get(index.IndexName);
    // The template's own definition when the index is the same (nothing to do); otherwise one that differs from any (rebuilt).
    return same !== undefined && keys(same['KeySchema']) === keys(index.KeySchema) && projection(same['Projection']) === projection(index.Projection) ? same : { IndexName: index.IndexName, adoptedDefinition: projection(index.Projection) };
  });
  const ttlOn = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
  return {
    KeySchema: template['KeySchema'],
    BillingMode: onDemand === templateOnDemand ? template['BillingMode'] : onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ...(indexes.length === 0 ? {} : { GlobalSecondaryIndexes: indexes }),
    ...(table.StreamSpecification?.StreamEnabled === true ? { StreamSpecification: { StreamViewType: table.StreamSpecification.StreamViewType } } : {}),
    ...(ttlOn ? { TimeToLiveSpecification: { AttributeName: ttl?.AttributeName, Enabled: true } } : {}),
  };
}

/** A key schema as comparable text (`pk HASH, sk RANGE`). */
function keys(schema: unknown): string {
  return ((schema as Array<{ AttributeName?: string; KeyType?: string }> | undefined) ?? []).map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ');
}

function projection(value: unknown): string {
  const p = (value ?? {}) as { ProjectionType?: string; NonKeyAttributes?: string[] };
  return `${p.ProjectionType ?? 'ALL'} ${[...(p.NonKeyAttributes ?? [])].sort().join(',')}`;
}
