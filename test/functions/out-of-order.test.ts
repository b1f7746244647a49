import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  OrderPlaced,
  PaymentAuthorized,
  PaymentDeclined,
  ShipmentDelivered,
  ShipmentScheduled,
  StockRejected,
  StockReserved,
  type CatalogEvent,
  type EventContract,
  type OrderStatus,
} from '../../functions/events';
import { STATUS_RANK } from '../../functions/orders/order-status';
import { catalogEvent, lambdaContext, loadTestEvent, sqsEvent } from '../support/events';
import { captureEvents, flushOutboxes, loadHandler, publishOutboxesOf } from '../support/handlers';
import { createServiceTable, getItem } from '../support/tables';

/**
 * Out of order, duplicated, batched together: whatever order the saga's events reach Orders in, the
 * order converges to the final state of its path, and its published status changes form one forward
 * chain (null -> ... -> final) with no status entered twice. A property test over permutations.
 */
let recordOrder: ReturnType<typeof loadHandler>;
let updateStatus: ReturnType<typeof loadHandler>;
let table: string;
const events = captureEvents();

beforeAll(async () => {
  table = await createServiceTable('orders-out-of-order');
  publishOutboxesOf(table);
  const env = { TABLE_NAME: table };
  recordOrder = loadHandler('orders/record-order', env);
  updateStatus = loadHandler('orders/update-order-status', env);
});

type AnyEvent = CatalogEvent<EventContract>;
function fromFile<C extends EventContract>(contract: C, file: string, orderId: string): AnyEvent {
  const base = loadTestEvent<CatalogEvent<C>>(file);
  return catalogEvent(contract, { ...(base.detail.data as object), orderId } as never) as AnyEvent;
}

interface SagaPath {
  readonly name: string;
  readonly events: (orderId: string) => AnyEvent[];
  readonly final: { status: OrderStatus; cancelReason?: string; shipmentId?: string };
}

/** The events of a paid order, up to the carrier's delivery. */
const paidAndShipped = (id: string): AnyEvent[] => [
  fromFile(OrderPlaced, 'shop.orders/order-placed.json', id),
  fromFile(StockReserved, 'shop.inventory/stock-reserved.json', id),
  fromFile(PaymentAuthorized, 'shop.payments/payment-authorized.json', id),
  fromFile(ShipmentScheduled, 'shop.shipping/shipment-scheduled.json', id),
];

const PATHS: SagaPath[] = [
  {
    name: 'delivered',
    events: (id) => [...paidAndShipped(id), fromFile(ShipmentDelivered, 'carrier.webhooks/shipment-delivered.json', id)],
    final: { status: 'DELIVERED', shipmentId: 'SHP-ord-1001' },
  },
  { name: 'shipped', events: paidAndShipped, final: { status: 'SHIPPED', shipmentId: 'SHP-ord-1001' } },
  {
    name: 'out of stock',
    events: (id) => [fromFile(OrderPlaced, 'shop.orders/order-placed.json', id), fromFile(StockRejected, 'shop.inventory/stock-rejected.json', id)],
    final: { status: 'CANCELLED', cancelReason: 'OUT_OF_STOCK: SKU-MONITOR requested 500, available 12' },
  },
  {
    name: 'payment declined',
    events: (id) => [
      fromFile(OrderPlaced, 'shop.orders/order-placed.json', id),
      fromFile(StockReserved, 'shop.inventory/stock-reserved.json', id),
      fromFile(PaymentDeclined, 'shop.payments/payment-declined.json', id),
    ],
    final: { status: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED' },
  },
];

/** A delivery plan: the path, the order its events arrive in, the copies redelivered, the batch sizes. */
const plan = fc.constantFrom(...PATHS).chain((path) => {
  const count = path.events('x').length;
  const indices = Array.from({ length: count }, (_, i) => i);
  return fc.record({
    path: fc.constant(path),
    order: fc.shuffledSubarray(indices, { minLength: count, maxLength: count }),
    duplicates: fc.array(fc.tuple(fc.constantFrom(...indices), fc.nat()), { maxLength: 3 }),
    batchSizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 8, maxLength: 8 }),
  });
});

/** Delivers the events as SQS would: in batches to the consumer that subscribes, failed records again later. */
async function deliver(sequence: AnyEvent[], batchSizes: number[]): Promise<void> {
  const queue = [...sequence];
  for (let round = 0; queue.length > 0; round++) {
    if (round > 50) throw new Error(`events still failing after 50 batches: ${queue.map((e) => e['detail-type']).join(', ')}`);
    const size = batchSizes[round % batchSizes.length]!;
    const batch = queue.splice(0, size);
    // Each consumer gets its share of the batch; both run at once, as two pollers would.
    const places = batch.filter((e) => e['detail-type'] === OrderPlaced.detailType);
    const statuses = batch.filter((e) => e['detail-type'] !== OrderPlaced.detailType);
    await Promise.all(
      [
        [recordOrder, places],
        [updateStatus, statuses],
      ].map(async ([handler, records]) => {
        const list = records as AnyEvent[];
        if (list.length === 0) return;
        const sqs = sqsEvent(...list);
        const response = await (handler as typeof recordOrder)(sqs, lambdaContext());
        const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        sqs.Records.forEach((record, i) => failed.has(record.messageId) && queue.push(list[i]!));
      }),
    );
    // What the batch wrote is published from the table's stream.
    await flushOutboxes();
  }
}

describe('status events in any order', () => {
  it('converge to the final state of their path, through one forward chain of status changes', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async ({ path, order, duplicates, batchSizes }) => {
        // Prepare
        const orderId = `ooo-${randomUUID().slice(0, 8)}`;
        const all = path.events(orderId);
        const sequence = order.map((i) => all[i]!);
        for (const [index, at] of duplicates) sequence.splice(at % (sequence.length + 1), 0, all[index]!);

        // Act
        await deliver(sequence, batchSizes);

        // Assess: the final state
        const item = await getItem(table, `ORDER#${orderId}`, 'ORDER');
        expect(item).toMatchObject({ status: path.final.status, statusRank: STATUS_RANK[path.final.status], customerId: 'cust-42', total: 128.9 });
        expect(item?.['cancelReason']).toBe(path.final.cancelReason);
        expect(item?.['shipmentId']).toBe(path.final.shipmentId);

        // Assess: the published changes chain forward from nothing to the final status, each once
        const changes = events
          .details<{ data: { orderId: string; from: OrderStatus | null; to: OrderStatus } }>('OrderStatusChanged')
          .map((d) => d.data)
          .filter((d) => d.orderId === orderId)
          .sort((a, b) => STATUS_RANK[a.to] - STATUS_RANK[b.to]);
        expect(changes.length).toBeGreaterThan(0);
        expect(changes[0]!.from).toBeNull();
        changes.forEach((change, i) => {
          if (i > 0) expect(change.from).toBe(changes[i - 1]!.to);
          if (change.from !== null) expect(STATUS_RANK[change.to]).toBeGreaterThan(STATUS_RANK[change.from]);
        });
        expect(changes[changes.length - 1]!.to).toBe(path.final.status);
      }),
      { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 60), seed: Number(process.env['PROPERTY_SEED'] ?? 20261122) },
    );
  });
});
