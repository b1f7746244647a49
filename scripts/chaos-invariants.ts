import { eventIdentity } from '../functions/events/contract';
import { outboxEventId, parseOutbox } from '../functions/shared/outbox';
import { streamBatchOf } from './operator/stream-redrive';

/** The inputs of the invariant check: what the run placed and what the stores and queues hold after it. */
export interface ChaosState {
  readonly placed: readonly string[];
  readonly orders: ReadonlyArray<Record<string, unknown>>;
  readonly inventory: ReadonlyArray<Record<string, unknown>>;
  readonly audit: ReadonlyArray<Record<string, unknown>>;
  readonly notifications: ReadonlyArray<Record<string, unknown>>;
  /** Every event the domain bus took (its archive). */
  readonly archivedEventIds: readonly string[];
  /** The outbox of every item of a publishing table that holds one (the events its last write owed), with the item's table. */
  readonly outboxes: ReadonlyArray<{ table: string; outbox: string }>;
  readonly dlqMessages: ReadonlyArray<{ queue: string; body: string; reason: string }>;
  readonly initialStock: Readonly<Record<string, number>>;
}

export interface ChaosReport {
  final: number;
  inDlq: number;
  /**
   * Orders neither final nor parked, events the audit store misses that no DLQ holds, states never
   * published, events an outbox holds that never reached the bus (unless a relay's queue holds a batch of that table).
   */
  lost: number;
  duplicateEffects: number;
  conservationErrors: number;
  problems: string[];
  parked: string[];
}

const FINAL = new Set(['DELIVERED', 'SHIPPED']);
/** Events an order's saga publishes at most once each; a second one is an effect done twice. */
const ONCE_PER_ORDER = ['StockReserved', 'StockRejected', 'StockReleased', 'PaymentAuthorized', 'PaymentDeclined', 'ShipmentScheduled'];

/** An event's identity (as the consumers know it) and order id from a DLQ message body (an EventBridge event), if it is one. */
function eventOf(body: string): { id?: string; orderId?: string } {
  try {
    const event = JSON.parse(body) as { id?: string; detail?: { metadata?: { correlationId?: string }; data?: { orderId?: string } } };
    const id = eventIdentity(event);
    return { ...(id ? { id } : {}), ...(event.detail?.data?.orderId ?? event.detail?.metadata?.correlationId ? { orderId: event.detail?.data?.orderId ?? event.detail?.metadata?.correlationId } : {}) };
  } catch {
    return {};
  }
}

/**
 * Checks what a chaos run must leave behind: every order final or parked in a DLQ with its reason;
 * no event lost on the way to the audit store, no state whose event was never published, no event
 * written to an outbox that never reached the bus; no saga step published twice for an order, no
 * notification twice, no event twice in the audit store; per sku, initial stock = available +
 * reserved, and reserved = the sum of the reservations held.
 */
export function checkInvariants(state: ChaosState): ChaosReport {
  const report: ChaosReport = { final: 0, inDlq: 0, lost: 0, duplicateEffects: 0, conservationErrors: 0, problems: [], parked: [] };
  const orders = new Map(state.orders.map((o) => [String(o['orderId']), o]));
  const parkedOrders = new Map<string, string>();
  const parkedEvents = new Set<string>();
  for (const message of state.dlqMessages) {
    const { id, orderId } = eventOf(message.body);
    if (id !== undefined) parkedEvents.add(id);
    if (orderId !== undefined) parkedOrders.set(orderId, `${message.queue}: ${message.reason}`);
  }

  // What the audit store says was published per order: the statuses it was told of, whether stock was released.
  const announced = new Set<string>();
  for (const item of state.audit) {
    const orderId = String(item['pk']).replace(/^ORDER#/, '');
    if (item['detailType'] === 'OrderStatusChanged') announced.add(`${orderId} ${String((item['data'] as { to?: unknown } | undefined)?.to)}`);
    if (item['detailType'] === 'StockReleased') announced.add(`${orderId} StockReleased`);
  }
  // A state whose event was never published is lost too: the customer is never told, the audit misses it
  // (a delivery that died between its commit and its PutEvents, and a redelivery that saw nothing to do).
  const unannounced = (orderId: string, what: string, problem: string) => {
    if (announced.has(`${orderId} ${what}`) || parkedOrders.has(orderId)) return;
    report.lost++;
    report.problems.push(problem);
  };
  for (const item of state.inventory) {
    if (item['sk'] === 'RESERVATION' && item['status'] === 'RELEASED') {
      const orderId = String(item['orderId']);
      unannounced(orderId, 'StockReleased', `the reservation of order ${orderId} was released but StockReleased was never published`);
    }
  }

  for (const orderId of state.placed) {
    const order = orders.get(orderId);
    const status = String(order?.['status'] ?? 'MISSING');
    if (FINAL.has(status) || (status === 'CANCELLED' && typeof order?.['cancelReason'] === 'string' && order['cancelReason'] !== '')) {
      report.final++;
      unannounced(orderId, status, `order ${orderId} is ${status} but its change to ${status} was never published`);
    } else if (parkedOrders.has(orderId)) {
      report.inDlq++;
      report.parked.push(`${orderId} (${status}) ${parkedOrders.get(orderId)}`);
    } else {
      report.lost++;
      report.problems.push(`order ${orderId} is ${status} and none of its events is in a DLQ`);
    }
  }

  // An event is one per source and producer's id (the audit key scopes ids by source, as a partner's may collide with ours).
  const audited = new Map<string, number>();
  for (const item of state.audit) {
    const key = `${String(item['source'])} ${String(item['eventId'])}`;
    audited.set(key, (audited.get(key) ?? 0) + 1);
  }
  for (const [key, times] of audited) {
    if (times > 1) {
      report.duplicateEffects++;
      report.problems.push(`event ${key} is in the audit store ${times} times`);
    }
  }
  const auditedIds = new Set(state.audit.map((item) => String(item['eventId'])));
  const archived = new Set(state.archivedEventIds);
  for (const eventId of archived) {
    if (!auditedIds.has(eventId) && !parkedEvents.has(eventId)) {
      report.lost++;
      report.problems.push(`event ${eventId} reached the bus but neither the audit store nor a DLQ`);
    }
  }

  // The outbox's promise: an event written with its effect is published. A relay's queue holding a
  // batch of the table parks that table's unpublished events (which batch holds which, only the stream knows).
  const parkedTables = new Set(state.dlqMessages.map((m) => /table\/([^/]+)\/stream/.exec(streamBatchOf(m.body)?.streamArn ?? '')?.[1]).filter((t) => t !== undefined));
  for (const { table, outbox } of state.outboxes) {
    for (const entry of parseOutbox(outbox)) {
      const eventId = outboxEventId(entry);
      if (eventId === undefined || archived.has(eventId) || parkedTables.has(table)) continue;
      report.lost++;
      report.problems.push(`event ${eventId} (${entry.DetailType}) is in an outbox of ${table} but never reached the bus`);
    }
  }

  const steps = new Map<string, number>();
  for (const item of state.audit) {
    const type = String(item['detailType']);
    if (!ONCE_PER_ORDER.includes(type)) continue;
    const key = `${String(item['pk']).replace(/^ORDER#/, '')} ${type}`;
    steps.set(key, (steps.get(key) ?? 0) + 1);
  }
  for (const [key, times] of steps) {
    if (times > 1) {
      report.duplicateEffects++;
      report.problems.push(`${key} was published ${times} times`);
    }
  }
  const notified = new Map<string, number>();
  for (const item of state.notifications) {
    if (!String(item['sk']).startsWith('NOTIFICATION#')) continue;
    const key = `${String(item['orderId'])} ${String(item['status'])}`;
    notified.set(key, (notified.get(key) ?? 0) + 1);
  }
  for (const [key, times] of notified) {
    if (times > 1) {
      report.duplicateEffects++;
      report.problems.push(`notification ${key} was sent ${times} times`);
    }
  }

  const held = new Map<string, number>();
  for (const item of state.inventory) {
    if (item['sk'] !== 'RESERVATION' || item['status'] !== 'RESERVED') continue;
    for (const line of item['items'] as Array<{ sku: string; quantity: number }>) held.set(line.sku, (held.get(line.sku) ?? 0) + line.quantity);
  }
  for (const item of state.inventory) {
    if (item['sk'] !== 'STOCK') continue;
    const sku = String(item['sku']);
    const available = Number(item['available']);
    const reserved = Number(item['reserved']);
    const initial = state.initialStock[sku];
    if (initial === undefined) continue;
    // A shipped order keeps its reservation (there is no separate commit step), so shipped stock is inside `reserved`.
    if (available + reserved !== initial || reserved !== (held.get(sku) ?? 0) || available < 0) {
      report.conservationErrors++;
      report.problems.push(`stock of ${sku}: initial ${initial}, available ${available}, reserved ${reserved}, held by reservations ${held.get(sku) ?? 0}`);
    }
  }
  return report;
}
