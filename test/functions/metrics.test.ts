import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { OrderPlaced, PaymentDeclined, ShipmentScheduled, StockReserved, type CatalogEvent, type EventContract } from '../../functions/events';
import { statusesReached } from '../../functions/orders/order-status';
import { captureMetrics } from '../support/emf';
import { catalogEvent, loadTestEvent } from '../support/events';
import { captureEvents, failedIds, invoke, loadHandler, publishOutboxesOf } from '../support/handlers';
import { createServiceTable, testDynamo } from '../support/tables';

/**
 * Business and pipeline metrics, read from what the handlers write to stdout (embedded metric
 * format): counted where the effect's write succeeded, never for a copy of an event, and flushed
 * once per invocation without changing the batch response.
 */
let recordOrder: ReturnType<typeof loadHandler>;
let updateStatus: ReturnType<typeof loadHandler>;
let reserve: ReturnType<typeof loadHandler>;
let inventory: string;
const events = captureEvents();
const metrics = captureMetrics();

beforeAll(async () => {
  const orders = await createServiceTable('metrics-orders');
  inventory = await createServiceTable('metrics-inventory');
  publishOutboxesOf(orders, inventory);
  Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_METRICS_NAMESPACE: 'ShopPipeline/test', POWERTOOLS_SERVICE_NAME: 'TestHop' });
  recordOrder = loadHandler('orders/record-order', { TABLE_NAME: orders });
  updateStatus = loadHandler('orders/update-order-status', { TABLE_NAME: orders });
  reserve = loadHandler('inventory/reserve-stock', { TABLE_NAME: inventory });
});
beforeEach(() => {
  events.reset();
  metrics.reset();
});
afterAll(() => metrics.restore());

const PLACED_AT = '2026-11-22T10:00:00.000Z';
function placed(orderId: string, items = [{ sku: 'SKU-M', quantity: 1, unitPrice: 10 }]) {
  const base = loadTestEvent<CatalogEvent<typeof OrderPlaced>>('shop.orders/order-placed.json').detail.data;
  return catalogEvent(OrderPlaced, { ...base, orderId, items, placedAt: PLACED_AT });
}
function statusEvent<C extends EventContract>(contract: C, file: string, orderId: string, time: string) {
  const base = loadTestEvent<CatalogEvent<C>>(file);
  return catalogEvent(contract, { ...(base.detail.data as object), orderId } as never, { time });
}

describe('orders', () => {
  it('counts an order placed once, in the namespace and service it is configured with; a copy counts a duplicate', async () => {
    // Prepare
    const event = placed('m-placed');

    // Act
    await invoke(recordOrder, event);
    const first = { placed: metrics.sum('OrdersPlaced'), duplicates: metrics.sum('DuplicatesSkipped'), lines: metrics.lines.length };
    metrics.reset();
    await invoke(recordOrder, event);

    // Assess
    expect(first).toEqual({ placed: 1, duplicates: 0, lines: 1 });
    expect(metrics.points[0]).toMatchObject({ namespace: 'ShopPipeline/test', dimensions: { service: 'TestHop' } });
    expect(metrics.sum('OrdersPlaced')).toBe(0);
    expect(metrics.sum('DuplicatesSkipped')).toBe(1);
  });

  it('counts a status reached once, and an event for a status already reached as a duplicate', async () => {
    await invoke(recordOrder, placed('m-reserved'));
    metrics.reset();
    const reserved = statusEvent(StockReserved, 'shop.inventory/stock-reserved.json', 'm-reserved', '2026-11-22T10:00:01.000Z');

    await invoke(updateStatus, reserved);
    expect(metrics.names()).toEqual(['OrdersReserved']);
    metrics.reset();
    await invoke(updateStatus, reserved);

    expect(metrics.names()).toEqual(['DuplicatesSkipped']);
  });

  it('counts a cancellation by its reason with the time from placedAt, once', async () => {
    // Prepare
    await invoke(recordOrder, placed('m-declined'));
    metrics.reset();
    const declined = statusEvent(PaymentDeclined, 'shop.payments/payment-declined.json', 'm-declined', '2026-11-22T10:00:04.500Z');

    // Act
    await invoke(updateStatus, declined);
    const first = { cancelled: metrics.sum('OrdersCancelled', { reason: 'PAYMENT_DECLINED', service: 'TestHop' }), time: metrics.sum('TimeToCancellation') };
    metrics.reset();
    await invoke(updateStatus, declined);

    // Assess
    expect(first).toEqual({ cancelled: 1, time: 4500 });
    expect(metrics.names()).toEqual(['DuplicatesSkipped']);
  });

  it('counts the statuses an overtaking event implies: shipped before reserved and paid still reached both', async () => {
    await invoke(recordOrder, placed('m-overtaken'));
    metrics.reset();
    await invoke(updateStatus, statusEvent(ShipmentScheduled, 'shop.shipping/shipment-scheduled.json', 'm-overtaken', '2026-11-22T10:00:03.000Z'));
    expect(metrics.names()).toEqual(['OrdersPaid', 'OrdersReserved', 'OrdersShipped']);
  });

  it('lists the statuses a move reaches: forward ones skipped on the way, never PLACED, a cancellation alone', () => {
    expect(statusesReached(0, 'RESERVED')).toEqual(['RESERVED']);
    expect(statusesReached(2, 'DELIVERED')).toEqual(['PAID', 'SHIPPED', 'DELIVERED']);
    expect(statusesReached(3, 'CANCELLED')).toEqual(['CANCELLED']);
  });
});

describe('inventory', () => {
  it('counts a stock rejection where it is written, and not again for a copy', async () => {
    // Prepare
    await testDynamo.send(new PutCommand({ TableName: inventory, Item: { pk: 'SKU#SKU-SHORT', sk: 'STOCK', available: 0, reserved: 0 } }));
    const event = placed('m-short', [{ sku: 'SKU-SHORT', quantity: 2, unitPrice: 10 }]);

    // Act
    await invoke(reserve, event);
    const first = metrics.names();
    metrics.reset();
    await invoke(reserve, event);

    // Assess: the refused stock adjustment is a limit, not a duplicate; the second rejection is one.
    expect(first).toEqual(['StockRejections']);
    expect(metrics.names()).toEqual(['DuplicatesSkipped']);
    expect(metrics.sum('DuplicatesSkipped')).toBe(1);
  });
});

describe('the consumer', () => {
  it('counts failed records and copies within a batch, flushes once, and answers the same partial batch response', async () => {
    // Prepare
    const good = placed('m-batch');

    // Act
    const response = await invoke(recordOrder, good, 'not json', good);

    // Assess
    expect(failedIds(response)).toHaveLength(1);
    expect(metrics.lines).toHaveLength(1);
    expect({ placed: metrics.sum('OrdersPlaced'), failed: metrics.sum('RecordsFailed'), duplicates: metrics.sum('DuplicatesSkipped') }).toEqual({ placed: 1, failed: 1, duplicates: 1 });
  });

  it('writes no metrics line for an invocation that counted nothing', async () => {
    const response = await invoke(recordOrder);
    expect(response.batchItemFailures).toEqual([]);
    expect(metrics.lines).toEqual([]);
  });
});
