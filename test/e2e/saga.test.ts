import { DescribeReplayCommand, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as path from 'node:path';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { deliveredEntry, orderEntry, poisonEntry, sampleOrder, type SamplePath } from '../../scripts/sample-orders';
import { output } from '../../scripts/outputs';
import { openTarget, type PipelineTarget } from './support/target';

/**
 * The order saga end to end, through the deployed app and only through AWS APIs: events in with
 * PutEvents, state read from DynamoDB, queues read with SQS, resources found by the stack outputs.
 */
let target: PipelineTarget;
const run = Date.now().toString(36);
const id = (name: string) => `e2e-${run}-${name}`;

beforeAll(async () => {
  target = await openTarget();
  await seedProducts(target.shop.dynamo, target.shop.table('Inventory'), readProducts(path.join(__dirname, '..', '..', 'data', 'products.json')));
});
afterAll(() => target.close());

async function order(orderId: string) {
  return (await target.shop.dynamo.send(new QueryCommand({ TableName: target.shop.table('Orders'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }))).Items?.[0];
}
async function timeline(orderId: string) {
  const { Items = [] } = await target.shop.dynamo.send(
    new QueryCommand({ TableName: target.shop.table('Audit'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }),
  );
  return Items;
}
async function notifications(orderId: string) {
  const { Items = [] } = await target.shop.dynamo.send(
    new QueryCommand({ TableName: target.shop.table('Notifications'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` } }),
  );
  return Items.map((n) => String(n['status'])).sort();
}
async function stock(sku: string) {
  const { Items = [] } = await target.shop.dynamo.send(
    new QueryCommand({ TableName: target.shop.table('Inventory'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SKU#${sku}` } }),
  );
  return { available: Items[0]?.['available'], reserved: Items[0]?.['reserved'] };
}
const place = (orderId: string, pathName: SamplePath) => target.shop.put([orderEntry(sampleOrder(orderId, pathName))]);

describe('the order saga', () => {
  it('delivers a paid order: reserved, paid, shipped, delivered by the carrier through the integration bus', async () => {
    // Prepare
    const orderId = id('delivered');
    const keyboards = await stock('SKU-KEYBOARD');

    // Act
    await place(orderId, 'delivered');
    await target.eventually(async () => expect(await order(orderId)).toMatchObject({ status: 'SHIPPED' }));
    const shipped = await order(orderId);
    await target.shop.put([deliveredEntry(orderId, String(shipped!['shipmentId']))], 'IntegrationBusName');

    // Assess
    await target.eventually(async () => expect(await order(orderId)).toMatchObject({ status: 'DELIVERED' }));
    expect(await notifications(orderId)).toEqual(['DELIVERED', 'PAID', 'PLACED', 'SHIPPED']);
    const types = (await timeline(orderId)).map((e) => String(e['detailType']));
    expect(types.filter((t) => t !== 'OrderStatusChanged')).toEqual(['OrderPlaced', 'StockReserved', 'PaymentAuthorized', 'ShipmentScheduled', 'ShipmentDelivered']);
    expect(types.filter((t) => t === 'OrderStatusChanged')).toHaveLength(5);
    expect(await stock('SKU-KEYBOARD')).toEqual({ available: Number(keyboards.available) - 1, reserved: Number(keyboards.reserved) + 1 });
  });

  it('carries the X-Ray trace the order was placed with through every hop: one trace per order', async () => {
    // Prepare: an order placed with a trace header, as a traced client places it.
    const orderId = id('traced');
    const entry = orderEntry(sampleOrder(orderId, 'delivered'));

    // Act
    await target.shop.put([entry]);
    await target.eventually(async () => expect((await timeline(orderId)).map((e) => String(e['detailType']))).toContain('ShipmentScheduled'));

    // Assess: every event of the saga, published by four relays, travelled in the order's trace.
    await target.eventually(async () => expect((await timeline(orderId)).filter((e) => e['detailType'] === 'OrderStatusChanged')).toHaveLength(4));
    const events = await timeline(orderId);
    const root = /Root=([^;]+)/.exec(entry.TraceHeader!)?.[1];
    expect(events.map((e) => [e['detailType'], e['traceId']])).toEqual(events.map((e) => [e['detailType'], root]));
  });

  it('cancels an order short of stock and reserves nothing of it', async () => {
    const orderId = id('out-of-stock');
    const mice = await stock('SKU-MOUSE');
    await place(orderId, 'out-of-stock');
    await target.eventually(async () => expect(await order(orderId)).toMatchObject({ status: 'CANCELLED', cancelReason: 'OUT_OF_STOCK: SKU-SOLDOUT requested 1, available 0' }));
    expect(await stock('SKU-MOUSE')).toEqual(mice);
    expect(await notifications(orderId)).toEqual(['CANCELLED', 'PLACED']);
  });

  it('cancels an order over the credit limit and gives its stock back (compensation)', async () => {
    const orderId = id('credit-limit');
    const laptops = await stock('SKU-LAPTOP');
    await place(orderId, 'credit-limit');
    await target.eventually(async () => {
      expect(await order(orderId)).toMatchObject({ status: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED' });
      expect((await timeline(orderId)).map((e) => e['detailType'])).toContain('StockReleased');
    });
    expect(await stock('SKU-LAPTOP')).toEqual(laptops);
  });

  it('cancels an order paid with a declined test card', async () => {
    const orderId = id('declined-card');
    await place(orderId, 'declined-card');
    await target.eventually(async () => expect(await order(orderId)).toMatchObject({ status: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED: CARD_DECLINED' }));
  });

  it('parks a poison event in its DLQ after maxReceiveCount while the rest of its batch goes through', async () => {
    // Prepare: three good orders and one poison event in one PutEvents call, so they share batches.
    const good = [id('batch-1'), id('batch-2'), id('batch-3')];
    const poison = id('poison');

    // Act
    await target.shop.put([...good.map((o) => orderEntry(sampleOrder(o, 'delivered'))), poisonEntry(poison)]);

    // Assess
    await target.eventually(async () => {
      for (const orderId of good) expect(await order(orderId)).toMatchObject({ status: 'SHIPPED' });
      const dlq = output(target.shop.outputs, 'RecordOrderDeadLetterQueueUrl');
      const { Messages = [] } = await target.shop.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }));
      const parked = Messages.find((m) => m.Body?.includes(poison));
      expect(parked).toBeDefined();
      expect(Number(parked!.Attributes!.ApproximateReceiveCount)).toBeGreaterThanOrEqual(5);
    });
    expect(await order(poison)).toBeUndefined();
  });

  it('replays a window of the archive without doing anything twice', async () => {
    // Prepare: a delivered order, and the state it left.
    const orderId = id('replayed');
    // Replay windows are in the event times' clock: the local cloud's runs ahead of the wall clock by
    // the idle time its settling skipped (visibility timeouts of the tests before).
    const from = new Date((await target.now()) - 1000);
    await place(orderId, 'delivered');
    await target.eventually(async () => expect(await order(orderId)).toMatchObject({ status: 'SHIPPED' }));
    const before = { order: await order(orderId), notifications: await notifications(orderId), audit: (await timeline(orderId)).length };
    const invocationsBefore = target.cloud?.lambda.metrics.invocations;

    // Act
    const archive = output(target.shop.outputs, 'DomainArchiveArn');
    const bus = output(target.shop.outputs, 'DomainBusArn');
    const replayName = id('replay');
    await target.shop.events.send(
      new StartReplayCommand({ ReplayName: replayName, EventSourceArn: archive, EventStartTime: from, EventEndTime: new Date((await target.now()) + 1000), Destination: { Arn: bus } }),
    );

    // Assess: the replay ran and the consumers saw the events again, with no second effect.
    await target.eventually(async () => expect((await target.shop.events.send(new DescribeReplayCommand({ ReplayName: replayName }))).State).toBe('COMPLETED'));
    await target.eventually(async () => {
      expect(await order(orderId)).toEqual(before.order);
      expect(await notifications(orderId)).toEqual(before.notifications);
      expect((await timeline(orderId)).length).toBe(before.audit);
    });
    if (invocationsBefore !== undefined) expect(target.cloud!.lambda.metrics.invocations).toBeGreaterThan(invocationsBefore);
  });
});
