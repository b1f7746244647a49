import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { OrderPlaced, PaymentAuthorized, PaymentDeclined, ShipmentDelivered, ShipmentScheduled, StockReserved, type CatalogEvent, type EventContract } from '../../functions/events';
import { catalogEvent, lambdaContext, loadTestEvent, sqsEvent } from '../support/events';
import { captureEvents, failedIds, invoke, loadHandler, publishOutboxesOf } from '../support/handlers';
import { createFailureTable, createServiceTable, getItem, testDynamo } from '../support/tables';

let recordOrder: ReturnType<typeof loadHandler>;
let updateStatus: ReturnType<typeof loadHandler>;
let table: string;
let failures: string;
const events = captureEvents();

beforeAll(async () => {
  table = await createServiceTable('orders');
  failures = await createFailureTable('orders');
  publishOutboxesOf(table);
  const env = { TABLE_NAME: table, FAILURE_TABLE_NAME: failures };
  recordOrder = loadHandler('orders/record-order', env);
  updateStatus = loadHandler('orders/update-order-status', env);
});
beforeEach(() => events.reset());

const order = (orderId: string) => getItem(table, `ORDER#${orderId}`, 'ORDER');
const placed = (orderId: string) => {
  const file = loadTestEvent<CatalogEvent<typeof OrderPlaced>>('shop.orders/order-placed.json');
  return catalogEvent(OrderPlaced, { ...file.detail.data, orderId });
};
/** A status event for an order, from its test event file with the order id replaced. */
function statusEvent<C extends EventContract>(contract: C, file: string, orderId: string) {
  const base = loadTestEvent<CatalogEvent<C>>(file);
  return catalogEvent(contract, { ...(base.detail.data as object), orderId } as never);
}

describe('orders/record-order', () => {
  it('records an order as PLACED and publishes OrderStatusChanged with its correlation id', async () => {
    // Prepare
    const event = loadTestEvent('shop.orders/order-placed.json');

    // Act
    const response = await invoke(recordOrder, event);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await order('ord-1001')).toMatchObject({ status: 'PLACED', customerId: 'cust-42', total: 128.9, currency: 'EUR' });
    expect(events.details('OrderStatusChanged')).toEqual([
      { metadata: { version: 1, correlationId: 'ord-1001', occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*\.\d{3}Z$/), eventId: expect.any(String) }, data: { orderId: 'ord-1001', customerId: 'cust-42', from: null, to: 'PLACED' } },
    ]);
    expect(events.published[0]).toMatchObject({ Source: 'shop.orders', EventBusName: 'domain-bus' });
  });

  it('has one effect when the same event id arrives twice (two SQS messages)', async () => {
    const event = placed('ord-dup');
    await invoke(recordOrder, event);
    const second = await invoke(recordOrder, event);
    expect(second.batchItemFailures).toEqual([]);
    expect(events.details('OrderStatusChanged')).toHaveLength(1);
  });

  it('handles copies of one event in one batch once, and answers for each copy as for the first', async () => {
    // Prepare: the same event three times in one batch (a duplicate delivery, a re-publication).
    const event = placed('ord-dup-batch');

    // Act
    const response = await invoke(recordOrder, event, event, event);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await order('ord-dup-batch')).toMatchObject({ status: 'PLACED' });
    expect(events.details('OrderStatusChanged')).toHaveLength(1);
  });

  it('fails only the invalid records of a batch, naming nothing else', async () => {
    // Prepare
    const good = placed('ord-good-in-bad-batch');
    const bad = loadTestEvent('invalid/order-placed-missing-items.json');

    // Act
    const response = await invoke(recordOrder, bad, good, 'not json', loadTestEvent('invalid/order-placed-unknown-version.json'));

    // Assess
    expect(response.batchItemFailures).toHaveLength(3);
    expect(await order('ord-good-in-bad-batch')).toMatchObject({ status: 'PLACED' });
    expect(await order('ord-bad-1')).toBeUndefined();
  });
});

describe('the reason of a final failure', () => {
  it('is kept by message id on the receive that sends the message to its DLQ, and only then', async () => {
    // Prepare: the same invalid record, on its 4th and on its 5th (maxReceiveCount) receive.
    const bad = loadTestEvent('invalid/order-placed-wrong-types.json');
    const fourth = sqsEvent(bad);
    fourth.Records[0]!.attributes.ApproximateReceiveCount = '4';
    const fifth = sqsEvent(bad);
    fifth.Records[0]!.attributes.ApproximateReceiveCount = '5';

    // Act
    await recordOrder(fourth, lambdaContext());
    await recordOrder(fifth, lambdaContext());

    // Assess
    const failure = async (messageId: string) => (await testDynamo.send(new GetCommand({ TableName: failures, Key: { messageId } }))).Item;
    expect(await failure(fourth.Records[0]!.messageId)).toBeUndefined();
    expect(await failure(fifth.Records[0]!.messageId)).toMatchObject({
      receiveCount: 5,
      errorName: 'InvalidEventError',
      reason: expect.stringContaining('invalid OrderPlaced: customerId: Invalid input: expected string, received number'),
    });
  });
});

describe('orders/update-order-status', () => {
  it('moves an order through the happy path, publishing each change', async () => {
    const id = 'ord-happy';
    await invoke(recordOrder, placed(id));
    for (const [contract, file] of [
      [StockReserved, 'shop.inventory/stock-reserved.json'],
      [PaymentAuthorized, 'shop.payments/payment-authorized.json'],
      [ShipmentScheduled, 'shop.shipping/shipment-scheduled.json'],
      [ShipmentDelivered, 'carrier.webhooks/shipment-delivered.json'],
    ] as const) {
      expect(failedIds(await invoke(updateStatus, statusEvent(contract, file, id)))).toEqual([]);
    }
    expect(await order(id)).toMatchObject({ status: 'DELIVERED', shipmentId: 'SHP-ord-1001' });
    expect(events.details<{ data: { from: string; to: string } }>('OrderStatusChanged').map((d) => `${d.data.from}->${d.data.to}`)).toEqual([
      'null->PLACED',
      'PLACED->RESERVED',
      'RESERVED->PAID',
      'PAID->SHIPPED',
      'SHIPPED->DELIVERED',
    ]);
  });

  it('cancels with the reason of a declined payment', async () => {
    const id = 'ord-declined';
    await invoke(recordOrder, placed(id));
    await invoke(updateStatus, statusEvent(StockReserved, 'shop.inventory/stock-reserved.json', id));
    await invoke(updateStatus, statusEvent(PaymentDeclined, 'shop.payments/payment-declined.json', id));
    expect(await order(id)).toMatchObject({ status: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED' });
  });

  it('never moves an order backwards: late events are ignored, duplicates have one effect', async () => {
    // Prepare: shipping overtakes payment, the carrier overtakes shipping, and OrderPlaced comes last.
    const id = 'ord-out-of-order';
    const paid = statusEvent(PaymentAuthorized, 'shop.payments/payment-authorized.json', id);

    // Act
    await invoke(updateStatus, statusEvent(ShipmentDelivered, 'carrier.webhooks/shipment-delivered.json', id));
    await invoke(updateStatus, statusEvent(ShipmentScheduled, 'shop.shipping/shipment-scheduled.json', id));
    await invoke(updateStatus, paid, paid);
    await invoke(recordOrder, placed(id));

    // Assess
    expect(await order(id)).toMatchObject({ status: 'DELIVERED', customerId: 'cust-42', total: 128.9 });
    expect(events.details<{ data: { to: string } }>('OrderStatusChanged').map((d) => d.data.to)).toEqual(['DELIVERED']);
  });

  it('publishes a committed status change once the bus takes it, keeping its event id, and never twice', async () => {
    // Prepare: the order is PAID; EventBridge refuses what the relay publishes for a while.
    const id = 'ord-owed-change';
    await invoke(recordOrder, placed(id));
    await invoke(updateStatus, statusEvent(StockReserved, 'shop.inventory/stock-reserved.json', id));
    await invoke(updateStatus, statusEvent(PaymentAuthorized, 'shop.payments/payment-authorized.json', id));
    const scheduled = statusEvent(ShipmentScheduled, 'shop.shipping/shipment-scheduled.json', id);
    events.reset();
    events.failEntries(() => 'InternalFailure');

    // Act: the handler's work is done at its write; the relay's first attempts fail, then succeed.
    const first = await invoke(updateStatus, scheduled);
    const owed = events.details('OrderStatusChanged');
    events.reset();
    const redelivered = await invoke(updateStatus, scheduled);

    // Assess: the change happened once and was published once, by the relay's retry.
    expect([failedIds(first), failedIds(redelivered), owed]).toEqual([[], [], []]);
    expect(await order(id)).toMatchObject({ status: 'SHIPPED', outbox: expect.any(String) });
    const published = events.details<{ metadata: { eventId: string }; data: { from: string; to: string } }>('OrderStatusChanged');
    expect(published.map((d) => `${d.data.from}->${d.data.to}`)).toEqual(['PAID->SHIPPED']);
    // The event id is the one written with the effect: a re-publication would carry it too.
    const [written] = JSON.parse(String((await order(id))!['outbox'])) as Array<{ Detail: string }>;
    expect(published[0]!.metadata.eventId).toBe((JSON.parse(written!.Detail) as { metadata: { eventId: string } }).metadata.eventId);
  });
});
