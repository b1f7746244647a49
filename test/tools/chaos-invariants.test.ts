import { checkInvariants, type ChaosState } from '../../scripts/chaos-invariants';

/** An item's outbox holding one event with this producer's id. */
function outbox(eventId: string): string {
  return JSON.stringify([{ Source: 'shop.orders', DetailType: 'OrderStatusChanged', Detail: JSON.stringify({ metadata: { eventId }, data: {} }) }]);
}

/** The invariant check must catch each kind of violation (the chaos test relies on it). */
const base: ChaosState = {
  placed: ['o1', 'o2'],
  orders: [
    { orderId: 'o1', sk: 'ORDER', status: 'SHIPPED' },
    { orderId: 'o2', sk: 'ORDER', status: 'CANCELLED', cancelReason: 'OUT_OF_STOCK: x' },
  ],
  inventory: [
    { sk: 'STOCK', sku: 'A', available: 8, reserved: 2 },
    { sk: 'RESERVATION', status: 'RESERVED', items: [{ sku: 'A', quantity: 2 }] },
  ],
  audit: [
    { pk: 'ORDER#o1', eventId: 'e1', detailType: 'OrderPlaced' },
    { pk: 'ORDER#o1', eventId: 'e2', detailType: 'StockReserved' },
    { pk: 'ORDER#o1', eventId: 'e4', detailType: 'OrderStatusChanged', data: { to: 'SHIPPED' } },
    { pk: 'ORDER#o2', eventId: 'e5', detailType: 'OrderStatusChanged', data: { to: 'CANCELLED' } },
  ],
  notifications: [{ sk: 'NOTIFICATION#PLACED', orderId: 'o1', status: 'PLACED' }],
  archivedEventIds: ['e1', 'e2', 'e4', 'e5'],
  outboxes: [{ table: 'Shop-dev-Orders-OrdersTable', outbox: outbox('e4') }],
  dlqMessages: [],
  initialStock: { A: 10 },
};

describe('chaos invariants', () => {
  it('passes a consistent state', () => {
    expect(checkInvariants(base)).toMatchObject({ final: 2, inDlq: 0, lost: 0, duplicateEffects: 0, conservationErrors: 0 });
  });

  it('counts an unfinished order as parked when its event is in a DLQ, and as lost otherwise', () => {
    const stuck = { ...base, orders: [{ orderId: 'o1', sk: 'ORDER', status: 'RESERVED' }, base.orders[1]!] };
    expect(checkInvariants(stuck)).toMatchObject({ lost: 1, inDlq: 0 });
    const parked = { ...stuck, dlqMessages: [{ queue: 'AuthorizePaymentDeadLetterQueue', reason: 'boom', body: JSON.stringify({ id: 'e9', detail: { data: { orderId: 'o1' } } }) }] };
    expect(checkInvariants(parked)).toMatchObject({ lost: 0, inDlq: 1 });
  });

  it('finds an event that reached the bus but not the audit store', () => {
    expect(checkInvariants({ ...base, archivedEventIds: ['e1', 'e2', 'e3', 'e4', 'e5'] }).lost).toBe(1);
  });

  it('knows a parked event by its producer\'s id, as the archive ids are', () => {
    const body = JSON.stringify({ id: 'bus-id-of-the-copy', detail: { metadata: { eventId: 'e3' }, data: { orderId: 'o1' } } });
    const parked = { ...base, archivedEventIds: ['e1', 'e2', 'e3', 'e4', 'e5'], dlqMessages: [{ queue: 'RecordEventDeadLetterQueue', reason: 'boom', body }] };
    expect(checkInvariants(parked)).toMatchObject({ lost: 0 });
  });

  it('finds a state whose event was never published: a status change, a release of stock', () => {
    const silent = { ...base, audit: base.audit.filter((item) => item['eventId'] !== 'e4'), archivedEventIds: ['e1', 'e2', 'e5'], outboxes: [] };
    expect(checkInvariants(silent)).toMatchObject({ final: 2, lost: 1, problems: ['order o1 is SHIPPED but its change to SHIPPED was never published'] });
    // The order's outbox still holding the change makes it lost twice over: written with its effect, never published.
    expect(checkInvariants({ ...silent, outboxes: base.outboxes }).lost).toBe(2);
    const released = { ...base, inventory: [...base.inventory, { sk: 'RESERVATION', orderId: 'o2', status: 'RELEASED', items: [{ sku: 'A', quantity: 1 }] }] };
    expect(checkInvariants(released)).toMatchObject({ lost: 1, problems: ['the reservation of order o2 was released but StockReleased was never published'] });
  });

  it('finds an event written to an outbox that never reached the bus, unless a relay\'s queue parks a batch of its table', () => {
    const unpublished = { ...base, outboxes: [...base.outboxes, { table: 'Shop-dev-Orders-OrdersTable', outbox: outbox('e6') }] };
    expect(checkInvariants(unpublished)).toMatchObject({ lost: 1, problems: ['event e6 (OrderStatusChanged) is in an outbox of Shop-dev-Orders-OrdersTable but never reached the bus'] });
    const batch = { DDBStreamBatchInfo: { shardId: 's', startSequenceNumber: '1', endSequenceNumber: '2', streamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Shop-dev-Orders-OrdersTable/stream/2026' } };
    const parked = { ...unpublished, dlqMessages: [{ queue: 'OrdersRelayDeadLetterQueue', reason: 'given up', body: JSON.stringify(batch) }] };
    expect(checkInvariants(parked)).toMatchObject({ lost: 0 });
  });

  it('counts an event id twice in the audit store as a duplicate only within one source', () => {
    const copy = { pk: 'ORDER#o1', eventId: 'e1', detailType: 'OrderPlaced' };
    expect(checkInvariants({ ...base, audit: [...base.audit, copy] }).duplicateEffects).toBe(1);
    // A partner's event whose id collides with ours is another event.
    expect(checkInvariants({ ...base, audit: [...base.audit, { ...copy, source: 'carrier.partner' }] }).duplicateEffects).toBe(0);
  });

  it('finds a saga step published twice and a notification sent twice', () => {
    const twice = { ...base, audit: [...base.audit, { pk: 'ORDER#o1', eventId: 'e3', detailType: 'StockReserved' }], archivedEventIds: ['e1', 'e2', 'e3', 'e4', 'e5'] };
    expect(checkInvariants(twice).duplicateEffects).toBe(1);
    expect(checkInvariants({ ...base, notifications: [...base.notifications, ...base.notifications] }).duplicateEffects).toBe(1);
  });

  it('finds stock that is not conserved', () => {
    expect(checkInvariants({ ...base, inventory: [{ sk: 'STOCK', sku: 'A', available: 9, reserved: 2 }, base.inventory[1]!] }).conservationErrors).toBe(1);
    expect(checkInvariants({ ...base, inventory: [{ sk: 'STOCK', sku: 'A', available: 7, reserved: 3 }, base.inventory[1]!] }).conservationErrors).toBe(1);
  });
});
