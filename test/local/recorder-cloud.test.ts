import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import type { Hop, Story, StoryEvent } from '../../local/recorder';

// The flight recorder on a running local cloud, without the app: a bus with two rules for one
// source, a queue (with a DLQ) consumed by a worker function that writes an effect with an outbox,
// and a relay that publishes the outbox from the table's stream. One order goes all the way; the
// other is poison and ends in the DLQ. The story route tells both, hop by hop.

const BUS = 'recorder-bus';
let cloud: LocalCloud;
let code: string;
let clients: { events: EventBridgeClient; sqs: SQSClient; dynamodb: DynamoDBClient };

/** The worker: writes each order's effect with an outbox event (OrderRecorded); a poison order fails its record. */
const WORKER = `
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({});
exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const placed = JSON.parse(record.body);
    const { orderId } = placed.detail.data;
    if (placed.detail.data.poison) { batchItemFailures.push({ itemIdentifier: record.messageId }); continue; }
    const detail = { metadata: { eventId: 'recorded-' + orderId, correlationId: orderId }, data: { orderId } };
    const outbox = JSON.stringify([{ Source: 'test.orders', DetailType: 'OrderRecorded', Detail: JSON.stringify(detail) }]);
    await db.send(new PutItemCommand({ TableName: 'recorder-effects', Item: { pk: { S: 'ORDER#' + orderId }, outbox: { S: outbox } } }));
  }
  return { batchItemFailures };
};`;

/** The relay: publishes each new outbox from the stream (keeping the event ids in the Detail). */
const RELAY = `
const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');
const events = new EventBridgeClient({});
exports.handler = async (event) => {
  for (const record of event.Records) {
    const outbox = record.dynamodb.NewImage && record.dynamodb.NewImage.outbox;
    if (!outbox) continue;
    const entries = JSON.parse(outbox.S).map((entry) => ({ ...entry, EventBusName: '${BUS}' }));
    await events.send(new PutEventsCommand({ Entries: entries }));
  }
};`;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodb: true });
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  clients = { events: new EventBridgeClient(config), sqs: new SQSClient(config), dynamodb: new DynamoDBClient(config) };
  code = fs.mkdtempSync(path.join(os.tmpdir(), 'recorder-fns-'));
  fs.writeFileSync(path.join(code, 'worker.js'), WORKER);
  fs.writeFileSync(path.join(code, 'relay.js'), RELAY);

  // Prepare: the bus, its rules, the queues, the table with its stream, the functions and their mappings.
  await clients.events.send(new CreateEventBusCommand({ Name: BUS }));
  const dlq = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'recorder-orders-dlq' }));
  const dlqArn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
  const queue = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: 'recorder-orders', Attributes: { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) } }),
  );
  const queueArn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
  const recorded = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'recorder-recorded' }));
  const recordedArn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: recorded.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
  const rule = async (name: string, pattern: unknown, arn: string) => {
    await clients.events.send(new PutRuleCommand({ Name: name, EventBusName: BUS, EventPattern: JSON.stringify(pattern) }));
    await clients.events.send(new PutTargetsCommand({ Rule: name, EventBusName: BUS, Targets: [{ Id: 'queue', Arn: arn }] }));
  };
  await rule('orders-placed', { source: ['test.orders'], 'detail-type': ['OrderPlaced'] }, queueArn);
  await rule('big-orders', { source: ['test.orders'], 'detail-type': ['OrderPlaced'], detail: { data: { amount: [{ numeric: ['>', 100] }] } } }, queueArn);
  await rule('orders-recorded', { source: ['test.orders'], 'detail-type': ['OrderRecorded'] }, recordedArn);
  await rule('other-source', { source: ['test.payments'] }, recordedArn);
  const table = await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: 'recorder-effects',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  // The handlers require the SDK from this repository's node_modules.
  const fn = (name: string, handler: string) =>
    cloud.lambda.create({
      functionName: name,
      assetDirectory: code,
      handler,
      runtime: 'nodejs22.x',
      timeoutSeconds: 10,
      memoryMb: 256,
      region: 'us-east-1',
      accountId: '000000000000',
      endpoint: cloud.endpoint,
      environment: { NODE_PATH: path.resolve('node_modules') },
    });
  const worker = fn('recorder-worker', 'worker.handler');
  const relay = fn('recorder-relay', 'relay.handler');
  await cloud.mappings.create({ EventSourceArn: queueArn, FunctionName: worker.name, BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  await cloud.mappings.create({ EventSourceArn: table.TableDescription!.LatestStreamArn!, FunctionName: relay.name, StartingPosition: 'TRIM_HORIZON', BatchSize: 10 });
}, 60_000);

afterAll(async () => {
  clients?.events.destroy();
  clients?.sqs.destroy();
  clients?.dynamodb.destroy();
  await cloud?.stop();
  if (code !== undefined) fs.rmSync(code, { recursive: true, force: true });
});

async function story(id: string): Promise<Story> {
  const answer = await fetch(`${cloud.endpoint}/_local/recorder/story?id=${encodeURIComponent(id)}`);
  expect(answer.status).toBe(200);
  return (await answer.json()) as Story;
}

const place = (orderId: string, data: Record<string, unknown>) =>
  clients.events.send(
    new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: 'test.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ metadata: { eventId: `placed-${orderId}`, correlationId: orderId }, data: { orderId, ...data } }) }] }),
  );

const kinds = (event: StoryEvent) => event.hops.map((hop) => hop.kind);

it('follows an order from PutEvents through rule, queue, batch, invocation and DynamoDB write to the event the relay published', async () => {
  // Act
  await place('ord-ok', { amount: 5 });
  const settled = await cloud.settle(30_000);
  expect(settled.settled).toBe(true);
  const told = await story('ord-ok');

  // Assess: two events in time order, the second caused by the worker's write.
  expect(told).toMatchObject({ id: 'ord-ok', matchedBy: 'correlationId', truncated: false });
  expect(told.events.map((event) => [event.eventId, event.detailType])).toEqual([
    ['placed-ord-ok', 'OrderPlaced'],
    ['recorded-ord-ok', 'OrderRecorded'],
  ]);
  const [placed, recorded] = told.events as [StoryEvent, StoryEvent];
  expect(kinds(placed)).toEqual(expect.arrayContaining(['put-events', 'rule', 'target', 'sqs-send', 'sqs-receive', 'batch', 'invocation', 'dynamodb-write', 'sqs-delete']));
  expect(kinds(placed).indexOf('put-events')).toBe(0);
  const invocation = placed.hops.find((hop): hop is Extract<Hop, { kind: 'invocation' }> => hop.kind === 'invocation')!;
  expect(invocation).toMatchObject({ function: 'recorder-worker', result: 'success', cold: true, batchItemFailures: [] });
  expect(invocation.traceHeader).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$/);
  // The write is attributed to the invocation through the X-Amzn-Trace-Id its SDK sent.
  const write = placed.hops.find((hop): hop is Extract<Hop, { kind: 'dynamodb-write' }> => hop.kind === 'dynamodb-write')!;
  expect(write).toMatchObject({ table: 'recorder-effects', operation: 'PutItem', requestId: invocation.requestId, outboxEventIds: ['recorded-ord-ok'], ok: true });
  expect(placed.branches).toEqual([{ target: 'recorder-orders', rule: 'orders-placed', state: 'done', where: 'recorder-worker' }]);
  // The rule for the same source that did not match, with the field that failed; a rule for another source is not listed.
  expect(placed.unmatched).toEqual([{ rule: 'big-orders', bus: BUS, field: 'detail.data.amount' }]);

  expect(recorded.causedBy).toEqual({ function: 'recorder-worker', requestId: invocation.requestId, eventId: 'placed-ord-ok' });
  expect(recorded.publishedBy?.function).toBe('recorder-relay');
  expect(kinds(recorded)).toEqual(expect.arrayContaining(['batch', 'invocation', 'put-events', 'rule', 'target', 'sqs-send']));
  expect(recorded.branches).toEqual([{ target: 'recorder-recorded', rule: 'orders-recorded', state: 'in-flight', where: 'recorder-recorded' }]);
}, 60_000);

it('tells where a poison message stopped: the DLQ, with the invocation that failed it', async () => {
  // Act
  await place('ord-poison', { amount: 5, poison: true });
  const settled = await cloud.settle(30_000);
  expect(settled.settled).toBe(true);
  const told = await story('placed-ord-poison');

  // Assess
  expect(told.matchedBy).toBe('eventId');
  expect(told.events).toHaveLength(1);
  const [placed] = told.events as [StoryEvent];
  expect(placed.branches).toEqual([
    {
      target: 'recorder-orders',
      rule: 'orders-placed',
      state: 'dead-letter',
      where: 'recorder-orders-dlq',
      reason: 'received 2 times from recorder-orders (maxReceiveCount); last attempt: recorder-worker reported it in batchItemFailures',
    },
  ]);
  expect(kinds(placed).filter((kind) => kind === 'invocation')).toHaveLength(2);
  expect(kinds(placed)).toEqual(expect.arrayContaining(['sqs-visibility-expired', 'sqs-dead-letter']));
}, 60_000);

it('answers the hops after a sequence number, and refuses a bad one with a message', async () => {
  const all = (await (await fetch(`${cloud.endpoint}/_local/recorder/hops?since=0&limit=5`)).json()) as { hops: Hop[]; next: number };
  expect(all.hops.map((hop) => hop.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(all.next).toBe(5);
  const later = (await (await fetch(`${cloud.endpoint}/_local/recorder/hops?since=${all.next}&limit=2`)).json()) as { hops: Hop[]; next: number };
  expect(later.hops.map((hop) => hop.seq)).toEqual([6, 7]);
  const bad = await fetch(`${cloud.endpoint}/_local/recorder/hops?since=-1`);
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { message: string }).message).toMatch(/since must be an integer/);
  expect((await story('no-such-order')).matchedBy).toBe('none');
});
