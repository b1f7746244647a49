import { setTimeout as delay } from 'node:timers/promises';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, UpdateTableCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { adoptableTable } from './table-adoption';
import { ResourceProviderError, type Properties, type ProviderContext, type ResourceProvider } from '../cloudformation/provider';

/**
 * `AWS::DynamoDB::Table` (and `GlobalTable`, one region): a table in DynamoDB Local; Ref is its name.
 * A new name or key schema is a new table; other changes keep the table and its items: global
 * secondary indexes added or removed, billing mode, time to live, the stream (other settings are recorded only).
 */
export const tableProvider: ResourceProvider = tableProviderFor('AWS::DynamoDB::Table', ['ImportSourceSpecification', 'TableName', 'KeySchema']);
export const globalTableProvider: ResourceProvider = tableProviderFor('AWS::DynamoDB::GlobalTable', ['TableName', 'KeySchema', 'LocalSecondaryIndexes']);

function tableProviderFor(type: string, replaceOn: readonly string[]): ResourceProvider {
  return {
    type,
    replaceOn,
    async create(_logicalId, properties, ctx) {
      const name = (properties['TableName'] as string | undefined) ?? ctx.generatedName(255);
      const client = clientOf(ctx);
      const adopted = await adoptableTable(client, name, properties);
      if (adopted !== undefined) {
        // Kept by `--persist` from an earlier run: adopted with its items, and brought to the template as an update would.
        await applyIndexes(client, name, adopted, properties);
        await applyTtl(client, name, adopted, properties);
        await applyStream(client, name, adopted, properties);
        return resourceOf(name, ctx, await streamLabel(client, name));
      }
      await createTable(client, name, properties);
      await applyTtl(client, name, undefined, properties);
      return resourceOf(name, ctx, await streamLabel(client, name));
    },
    async update(physicalId, previous, next, ctx) {
      await applyIndexes(clientOf(ctx), physicalId, previous, next);
      await applyTtl(clientOf(ctx), physicalId, previous, next);
      await applyStream(clientOf(ctx), physicalId, previous, next);
      return resourceOf(physicalId, ctx, await streamLabel(clientOf(ctx), physicalId));
    },
    async delete(physicalId, _properties, ctx) {
      try {
        await clientOf(ctx).send(new DeleteTableCommand({ TableName: physicalId }));
      } catch (error) {
        if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
      }
    },
  };
}

function clientOf(ctx: ProviderContext): DynamoDBClient {
  if (ctx.dynamodb === undefined) throw new ResourceProviderError(`${ctx.stackName}/${ctx.logicalId}: the app has DynamoDB tables and the local cloud was started without DynamoDB`);
  return ctx.dynamodb;
}

/** Ref is the name; `StreamArn` (when the table has a stream) names it in the cloud's region and account. */
function resourceOf(name: string, ctx: ProviderContext, label: string | undefined) {
  const arn = `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`;
  return { physicalId: name, attributes: { Arn: arn, ...(label === undefined ? {} : { StreamArn: `${arn}/stream/${label}` }) } };
}

/** The label of the table's stream while it has one enabled. */
async function streamLabel(client: DynamoDBClient, name: string): Promise<string | undefined> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  return Table?.StreamSpecification?.StreamEnabled === true ? Table.LatestStreamLabel : undefined;
}

type StreamSpec = { StreamViewType?: string } | undefined;

/** StreamSpecification: its view type, or none (a table without a stream). */
function streamOf(properties: Properties): string | undefined {
  return (properties['StreamSpecification'] as StreamSpec)?.StreamViewType;
}

/**
 * Turns the stream on or off, or changes its view type (DynamoDB takes that as off, then on: a new
 * stream with a new label and ARN, as CloudFormation reports it).
 */
async function applyStream(client: DynamoDBClient, name: string, previous: Properties, next: Properties): Promise<void> {
  const before = streamOf(previous);
  const after = streamOf(next);
  if (before === after) return;
  if (before !== undefined) {
    await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    await untilActive(client, name);
  }
  if (after !== undefined) {
    await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: after as never } }));
    await untilActive(client, name);
  }
}

async function createTable(client: DynamoDBClient, name: string, props: Properties): Promise<void> {
  const onDemand = props['BillingMode'] === 'PAY_PER_REQUEST';
  const throughput = (p: unknown) => (onDemand ? {} : { ProvisionedThroughput: (p as CreateTableCommandInput['ProvisionedThroughput']) ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } });
  const gsis = (props['GlobalSecondaryIndexes'] as Array<Record<string, unknown>> | undefined)?.map((index) => ({
    IndexName: index['IndexName'] as string,
    KeySchema: index['KeySchema'] as never,
    Projection: index['Projection'] as never,
    ...throughput(index['ProvisionedThroughput']),
  }));
  const lsis = props['LocalSecondaryIndexes'] as CreateTableCommandInput['LocalSecondaryIndexes'];
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: props['KeySchema'] as never,
      AttributeDefinitions: props['AttributeDefinitions'] as never,
      BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      ...throughput(props['ProvisionedThroughput']),
      ...(gsis && gsis.length > 0 ? { GlobalSecondaryIndexes: gsis } : {}),
      ...(lsis && lsis.length > 0 ? { LocalSecondaryIndexes: lsis } : {}),
      ...(streamOf(props) === undefined ? {} : { StreamSpecification: { StreamEnabled: true, StreamViewType: streamOf(props) as never } }),
    }),
  );
}

type Index = Record<string, unknown> & { IndexName: string };
const indexesOf = (properties: Properties) => (properties['GlobalSecondaryIndexes'] as Index[] | undefined) ?? [];

/**
 * Adds and removes global secondary indexes one per request (as DynamoDB takes them), and switches
 * the billing mode; an index whose definition changed is removed and added again.
 */
async function applyIndexes(client: DynamoDBClient, name: string, previous: Properties, next: Properties): Promise<void> {
  const onDemand = next['BillingMode'] === 'PAY_PER_REQUEST';
  if (previous['BillingMode'] !== next['BillingMode']) {
    await client.send(new UpdateTableCommand({ TableName: name, BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED', ...(onDemand ? {} : { ProvisionedThroughput: (next['ProvisionedThroughput'] as never) ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }) }));
    await untilActive(client, name);
  }
  const before = new Map(indexesOf(previous).map((index) => [index.IndexName, JSON.stringify(index)]));
  const after = new Map(indexesOf(next).map((index) => [index.IndexName, index]));
  for (const [indexName, definition] of before) {
    if (after.get(indexName) !== undefined && JSON.stringify(after.get(indexName)) === definition) continue;
    await client.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: indexName } }] }));
    await untilActive(client, name);
  }
  for (const [indexName, index] of after) {
    if (before.get(indexName) === JSON.stringify(index)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: next['AttributeDefinitions'] as never,
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: indexName,
              KeySchema: index['KeySchema'] as never,
              Projection: index['Projection'] as never,
              ...(onDemand ? {} : { ProvisionedThroughput: (index['ProvisionedThroughput'] as never) ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }),
            },
          },
        ],
      }),
    );
    await untilActive(client, name);
  }
}

/**
 * Waits until the table and its indexes are ACTIVE (DynamoDB builds an index in the background, and
 * refuses the next change until then), as CloudFormation waits before it completes the update.
 */
async function untilActive(client: DynamoDBClient, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 10; ; wait = Math.min(wait * 2, 500)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const busy = Table?.TableStatus !== 'ACTIVE' || (Table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexStatus !== 'ACTIVE');
    if (!busy) return;
    if (Date.now() > deadline) throw new ResourceProviderError(`table ${name} did not become ACTIVE within ${timeoutMs / 1000} s`);
    await delay(wait);
  }
}

type Ttl = { AttributeName?: string; Enabled?: boolean } | undefined;

/** Turns time to live on or off when the template's setting differs from what it was. */
async function applyTtl(client: DynamoDBClient, name: string, previous: Properties | undefined, next: Properties): Promise<void> {
  const before = previous?.['TimeToLiveSpecification'] as Ttl;
  const after = next['TimeToLiveSpecification'] as Ttl;
  const on = (ttl: Ttl) => (ttl?.Enabled === true || String(ttl?.Enabled) === 'true') && ttl?.AttributeName !== undefined;
  if (on(after) && (!on(before) || before?.AttributeName !== after?.AttributeName)) {
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: after!.AttributeName!, Enabled: true } }));
  } else if (!on(after) && on(before)) {
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: before!.AttributeName!, Enabled: false } }));
  }
}
