import { DescribeArchiveCommand, ListArchivesCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { orderEntry, sampleOrder } from '../../scripts/sample-orders';
import { openTarget, type PipelineTarget } from './support/target';

/**
 * `--persist` with the whole app: an order's items, a message parked in a dead-letter queue and the
 * domain bus's archive and the flight recorder's story of the order survive a stop and a start on the same directory (the deployment adopts its
 * tables and queues; the outbox relays resume their streams where they were, so nothing is published
 * twice). Then `POST /_local/reset` empties it all, and an order placed after it still goes through.
 */
jest.setTimeout(240_000);

const products = readProducts(path.join(__dirname, '..', '..', 'data', 'products.json'));
const run = Date.now().toString(36);
let dir: string;
let target: PipelineTarget | undefined;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'persist-e2e-'));
});
afterAll(async () => {
  await target?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function order(orderId: string) {
  const { Items } = await target!.shop.dynamo.send(new QueryCommand({ TableName: target!.shop.table('Orders'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }));
  return Items?.[0];
}

/** The domain bus's archive (the app's only one) and how many events it holds. */
async function archived(): Promise<{ name: string; events: number }> {
  const { Archives = [] } = await target!.shop.events.send(new ListArchivesCommand({}));
  const name = Archives[0]?.ArchiveName;
  if (name === undefined) throw new Error('the app has no archive');
  return { name, events: (await target!.shop.events.send(new DescribeArchiveCommand({ ArchiveName: name }))).EventCount ?? 0 };
}

/** The flight recorder's story of an order: its events, each with its hops. */
async function story(orderId: string): Promise<{ matchedBy: string; events: Array<{ eventId: string; hops: unknown[] }> }> {
  return (await (await fetch(`${target!.shop.endpoint}/_local/recorder/story?id=${encodeURIComponent(orderId)}`)).json()) as never;
}

async function messages(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await target!.shop.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes['ApproximateNumberOfMessages']) + Number(Attributes['ApproximateNumberOfMessagesNotVisible']);
}

it('keeps an order, a parked message, the archive and the recorder across a restart; reset empties them and the app still works', async () => {
  // Prepare: an order through the saga, a message parked in a DLQ (no consumer), the archive filled.
  target = await openTarget({ persist: dir });
  await seedProducts(target.shop.dynamo, target.shop.table('Inventory'), products);
  const before = `persist-${run}-before`;
  await target.shop.put([orderEntry(sampleOrder(before, 'delivered'))]);
  await target.eventually(async () => expect(await order(before)).toMatchObject({ status: 'SHIPPED' }));
  const dlq = (await target.shop.deadLetterCounts())[0]!;
  await target.shop.sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: `parked-${run}` }));
  const archive = await archived();
  expect(archive.events).toBeGreaterThan(0);
  const told = await story(before);
  expect(told.events.length).toBeGreaterThan(0);

  // Act
  await target.close();
  target = await openTarget({ persist: dir });

  // Assess
  expect(await order(before)).toMatchObject({ status: 'SHIPPED' });
  const parked = await target.shop.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, VisibilityTimeout: 0 }));
  expect(parked.Messages?.map((m) => m.Body)).toEqual([`parked-${run}`]);
  // Settled: the relays read their streams from where they stopped, so no outcome event is published again.
  await target.eventually(async () => expect(await archived()).toEqual(archive));
  // The recorder tells the same story of the order as before the restart.
  expect(await story(before)).toEqual(told);

  // Act: reset
  const response = await fetch(`${target.shop.endpoint}/_local/reset`, { method: 'POST' });
  const answer = (await response.json()) as { settled: boolean; removed: { items: Record<string, number>; messages: Record<string, number>; archivedEvents: number; recorderHops: number } };

  // Assess
  expect(response.status).toBe(200);
  expect(answer.settled).toBe(true);
  expect(answer.removed.items[target.shop.table('Orders')]).toBeGreaterThan(0);
  expect(answer.removed.messages[dlq.url.split('/').pop()!]).toBe(1);
  expect(answer.removed.archivedEvents).toBe(archive.events);
  expect(answer.removed.recorderHops).toBeGreaterThan(0);
  expect(await order(before)).toBeUndefined();
  expect(await messages(dlq.url)).toBe(0);
  expect((await archived()).events).toBe(0);
  expect((await story(before)).events).toEqual([]);

  // The app is still deployed and working: the catalog loaded again, a new order goes through.
  await seedProducts(target.shop.dynamo, target.shop.table('Inventory'), products);
  const after = `persist-${run}-after`;
  await target.shop.put([orderEntry(sampleOrder(after, 'delivered'))]);
  await target.eventually(async () => expect(await order(after)).toMatchObject({ status: 'SHIPPED' }));
});
