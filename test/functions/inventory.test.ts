import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { OrderPlaced, PaymentDeclined, type CatalogEvent } from '../../functions/events';
import { catalogEvent, loadTestEvent } from '../support/events';
import { captureEvents, failedIds, invoke, loadHandler, publishOutboxesOf } from '../support/handlers';
import { createServiceTable, getItem, testDynamo } from '../support/tables';

let reserve: ReturnType<typeof loadHandler>;
let release: ReturnType<typeof loadHandler>;
let table: string;
const events = captureEvents();

beforeAll(async () => {
  table = await createServiceTable('inventory');
  publishOutboxesOf(table);
  const env = { TABLE_NAME: table };
  reserve = loadHandler('inventory/reserve-stock', env);
  release = loadHandler('inventory/release-stock', env);
});
beforeEach(() => events.reset());

async function stockUp(sku: string, available: number): Promise<void> {
  await testDynamo.send(new PutCommand({ TableName: table, Item: { pk: `SKU#${sku}`, sk: 'STOCK', sku, available, reserved: 0 } }));
}
const stock = async (sku: string) => {
  const item = await getItem(table, `SKU#${sku}`, 'STOCK');
  return { available: item?.['available'], reserved: item?.['reserved'] };
};
/** OrderPlaced for `orderId` with the items given, from the test event file. */
function orderPlaced(orderId: string, items: Array<{ sku: string; quantity: number }>) {
  const base = loadTestEvent<CatalogEvent<typeof OrderPlaced>>('shop.orders/order-placed.json').detail.data;
  return catalogEvent(OrderPlaced, { ...base, orderId, items: items.map((i) => ({ ...i, unitPrice: 10 })) });
}
function paymentDeclined(orderId: string) {
  const base = loadTestEvent<CatalogEvent<typeof PaymentDeclined>>('shop.payments/payment-declined.json').detail.data;
  return catalogEvent(PaymentDeclined, { ...base, orderId });
}

describe('inventory/reserve-stock', () => {
  it('reserves every item of an order and publishes StockReserved', async () => {
    // Prepare
    await stockUp('A-1', 5);
    await stockUp('B-1', 5);

    // Act: the same sku on two lines counts once, summed.
    const response = await invoke(reserve, orderPlaced('ord-r1', [{ sku: 'A-1', quantity: 2 }, { sku: 'B-1', quantity: 1 }, { sku: 'A-1', quantity: 1 }]));

    // Assess
    expect(failedIds(response)).toEqual([]);
    expect(await stock('A-1')).toEqual({ available: 2, reserved: 3 });
    expect(await stock('B-1')).toEqual({ available: 4, reserved: 1 });
    expect(events.details('StockReserved')[0]?.data).toMatchObject({ orderId: 'ord-r1', items: [{ sku: 'A-1', quantity: 3 }, { sku: 'B-1', quantity: 1 }] });
  });

  it('reserves nothing when one item is short, and names it in StockRejected', async () => {
    await stockUp('A-2', 5);
    await stockUp('B-2', 1);
    await invoke(reserve, orderPlaced('ord-r2', [{ sku: 'A-2', quantity: 2 }, { sku: 'B-2', quantity: 3 }]));
    expect(await stock('A-2')).toEqual({ available: 5, reserved: 0 });
    expect(await stock('B-2')).toEqual({ available: 1, reserved: 0 });
    expect(events.details('StockRejected').map((d) => d.data)).toEqual([{ orderId: 'ord-r2', customerId: 'cust-42', sku: 'B-2', requested: 3, available: 1 }]);
    expect(events.published.filter((e) => e.DetailType === 'StockReserved')).toEqual([]);
  });

  it('rejects an unknown sku as available 0', async () => {
    await invoke(reserve, orderPlaced('ord-r3', [{ sku: 'NOPE', quantity: 1 }]));
    expect(events.details('StockRejected')[0]?.data).toMatchObject({ sku: 'NOPE', available: 0 });
  });

  it('never oversells: concurrent orders for the last units reserve exactly what exists', async () => {
    await stockUp('LAST', 3);
    const orders = Array.from({ length: 6 }, (_, i) => orderPlaced(`ord-last-${i}`, [{ sku: 'LAST', quantity: 1 }]));
    await Promise.all(orders.map((o) => invoke(reserve, o)));
    expect(await stock('LAST')).toEqual({ available: 0, reserved: 3 });
    expect(events.details('StockReserved')).toHaveLength(3);
    expect(events.details('StockRejected')).toHaveLength(3);
  });

  it('has one effect when the same event id arrives twice', async () => {
    await stockUp('DUP', 5);
    const event = orderPlaced('ord-r-dup', [{ sku: 'DUP', quantity: 2 }]);
    // Two copies in one batch race: one commits and publishes; the other either sees it done or, while
    // the first still publishes, fails alone to be retried later. Never a second effect or publication.
    const racing = await invoke(reserve, event, event);
    expect(racing.batchItemFailures.length).toBeLessThanOrEqual(1);
    await invoke(reserve, event);
    expect(await stock('DUP')).toEqual({ available: 3, reserved: 2 });
    expect(events.details('StockReserved')).toHaveLength(1);
  });
});

describe('inventory/release-stock (compensation)', () => {
  it('gives a declined order its stock back and publishes StockReleased, once', async () => {
    // Prepare
    await stockUp('REL', 4);
    await invoke(reserve, orderPlaced('ord-rel', [{ sku: 'REL', quantity: 3 }]));
    const declined = paymentDeclined('ord-rel');

    // Act
    await invoke(release, declined);
    await invoke(release, declined);
    await invoke(release, paymentDeclined('ord-rel'));

    // Assess
    expect(await stock('REL')).toEqual({ available: 4, reserved: 0 });
    expect(await getItem(table, 'ORDER#ord-rel', 'RESERVATION')).toMatchObject({ status: 'RELEASED' });
    expect(events.details('StockReleased').map((d) => d.data)).toEqual([{ orderId: 'ord-rel', items: [{ sku: 'REL', quantity: 3 }] }]);
  });

  it('releases nothing for an order without a reservation', async () => {
    const response = await invoke(release, paymentDeclined('ord-never-reserved'));
    expect(failedIds(response)).toEqual([]);
    expect(events.published).toEqual([]);
  });
});

describe('the transactional outbox (published from the stream)', () => {
  it('publishes the outcome written with the effect once the bus takes it; the handler never fails for it', async () => {
    // Prepare: stock exists; EventBridge refuses every entry the relay sends at first.
    await stockUp('OUTBOX', 2);
    const event = orderPlaced('ord-outbox', [{ sku: 'OUTBOX', quantity: 1 }]);
    events.failEntries(() => 'InternalFailure');

    // Act: the relay fails its record and retries it (from its sequence number) at the next flush.
    const first = await invoke(reserve, event);
    const whileRefused = events.details('StockReserved');
    events.reset();
    const redelivered = await invoke(reserve, event);
    const again = await invoke(reserve, event);

    // Assess: the record never failed, the effect happened once, the event was published once.
    expect([failedIds(first), failedIds(redelivered), failedIds(again), whileRefused]).toEqual([[], [], [], []]);
    expect(await stock('OUTBOX')).toEqual({ available: 1, reserved: 1 });
    expect(events.details('StockReserved')).toHaveLength(1);
  });

  it('publishes StockReleased once, though the bus refused it first and the event came again', async () => {
    // Prepare: a reservation; EventBridge refuses the relay's first StockReleased.
    await stockUp('OUTBOX-REL', 3);
    await invoke(reserve, orderPlaced('ord-outbox-rel', [{ sku: 'OUTBOX-REL', quantity: 2 }]));
    const declined = paymentDeclined('ord-outbox-rel');
    events.reset();
    events.failEntries(() => 'InternalFailure');

    // Act: the reservation is RELEASED by then, so the redelivery finds nothing to release.
    const first = await invoke(release, declined);
    events.reset();
    const redelivered = await invoke(release, declined);

    // Assess
    expect([failedIds(first), failedIds(redelivered)]).toEqual([[], []]);
    expect(await stock('OUTBOX-REL')).toEqual({ available: 3, reserved: 0 });
    expect(events.details('StockReleased').map((d) => d.data)).toEqual([{ orderId: 'ord-outbox-rel', items: [{ sku: 'OUTBOX-REL', quantity: 2 }] }]);
  });

  it('publishes nothing for a stock change: counters never carry an outbox', async () => {
    await stockUp('COUNTER', 4);
    await invoke(reserve, orderPlaced('ord-counter', [{ sku: 'COUNTER', quantity: 1 }]));
    await invoke(release, paymentDeclined('ord-counter'));
    expect(events.published.map((e) => e.DetailType)).toEqual(['StockReserved', 'StockReleased']);
    expect((await getItem(table, 'SKU#COUNTER', 'STOCK'))?.['outbox']).toBeUndefined();
  });
});
