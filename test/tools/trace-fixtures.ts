import type { Branch, Story, StoryEvent } from '../../scripts/trace/story-contract';

/**
 * Stories as the flight recorder's route contract describes them (/work/helpers/common16.md), built
 * hop by hop the way the local cloud records them, for the trace's unit tests.
 */
export class StoryBuilder {
  private seq = 0;
  private readonly start = Date.parse('2026-11-26T10:00:00.000Z');
  readonly events: StoryEvent[] = [];

  constructor(readonly orderId: string) {}

  /** A hop `ms` after the story's start. */
  hop<T extends object>(ms: number, eventIds: string[], fields: T) {
    return { seq: ++this.seq, time: new Date(this.start + ms).toISOString(), eventIds, correlationIds: [this.orderId], ...fields };
  }

  /** An event accepted by PutEvents at `ms`, published by a client or by `by` (a relay's invocation). */
  event(ms: number, eventId: string, source: string, detailType: string, options: { by?: { eventId?: string; function: string; requestId: string }; bus?: string } = {}): StoryEvent {
    const bus = options.bus ?? 'shop-domain';
    const event: StoryEvent = {
      eventId,
      eventBridgeId: `eb-${eventId}-${bus}`,
      source,
      detailType,
      bus,
      correlationId: this.orderId,
      // EventBridge's `time`: whole seconds.
      time: new Date(this.start + ms - (ms % 1000)).toISOString(),
      ...(options.by === undefined ? {} : { causedBy: options.by }),
      hops: [this.hop(ms, [eventId], { kind: 'put-events' as const, bus, source, detailType, eventBridgeId: `eb-${eventId}-${bus}`, ...(options.by === undefined ? {} : { by: { function: options.by.function, requestId: options.by.requestId } }) })],
      branches: [],
      unmatched: [],
    };
    this.events.push(event);
    return event;
  }

  /**
   * The event matched `rule`, was delivered to `queue`, and one invocation of `fn` per element of
   * `attempts` handled it (its result, and whether the record was in batchItemFailures), each writing
   * `writes` when it succeeded. Ends as `end`.
   */
  through(
    event: StoryEvent,
    ms: number,
    rule: string,
    queue: string,
    fn: string,
    attempts: Array<{ result: 'success' | 'error' | 'timeout' | 'crash'; failedRecord?: boolean; error?: string; writes?: Array<{ table: string; outbox: string[] }> }>,
    end: { state: Branch['state']; where?: string; reason?: string } = { state: 'done' },
  ): string[] {
    const ids = [event.eventId];
    const messageId = `msg-${event.eventId}-${queue}`;
    event.hops.push(
      this.hop(ms, ids, { kind: 'rule' as const, bus: event.bus, rule, matched: true }),
      this.hop(ms + 1, ids, { kind: 'target' as const, rule, target: `arn:aws:sqs:us-east-1:000000000000:${queue}`, outcome: 'delivered' as const, attempt: 1 }),
      this.hop(ms + 2, ids, { kind: 'sqs-send' as const, queue, messageId }),
    );
    const requestIds: string[] = [];
    attempts.forEach((attempt, index) => {
      const at = ms + 10 + index * 1000;
      const batchId = `batch-${this.seq}`;
      const requestId = `req-${fn}-${event.eventId}-${index + 1}`;
      requestIds.push(requestId);
      event.hops.push(
        this.hop(at, ids, { kind: 'sqs-receive' as const, queue, messageId, receiveCount: index + 1 }),
        this.hop(at, ids, { kind: 'batch' as const, mapping: 'uuid-1', function: fn, source: `arn:aws:sqs:us-east-1:000000000000:${queue}`, size: 1, batchId }),
        this.hop(at + 1, ids, {
          kind: 'invocation' as const,
          function: fn,
          requestId,
          batchId,
          sandbox: 'sb-1',
          cold: index === 0,
          durationMs: 40,
          result: attempt.result,
          ...(attempt.error === undefined ? {} : { error: attempt.error }),
          ...(attempt.failedRecord ? { batchItemFailures: [messageId] } : {}),
        }),
      );
      for (const write of attempt.writes ?? []) {
        event.hops.push(this.hop(at + 20, ids, { kind: 'dynamodb-write' as const, table: write.table, operation: 'TransactWriteItems', keys: [{ pk: `ORDER#${this.orderId}` }], requestId, outboxEventIds: write.outbox }));
      }
    });
    event.branches.push({ rule, target: `arn:aws:sqs:us-east-1:000000000000:${queue}`, ...end });
    return requestIds;
  }

  /**
   * Several events through one rule and queue into ONE invocation of `fn` (a batch of them all),
   * which made `writes`; every event's hops hold the shared batch, invocation and write hops, and the
   * hops carry every event's id, as the recorder gives them.
   */
  batchOf(events: StoryEvent[], ms: number, rule: string, queue: string, fn: string, writes: Array<{ table: string; keys: Array<Record<string, unknown>> }>): void {
    const ids = events.map((event) => event.eventId);
    const messageIds = events.map((event) => `msg-${event.eventId}-${queue}`);
    const batchId = `batch-${this.seq}`;
    const requestId = `req-${fn}-batch-${this.seq}`;
    events.forEach((event, index) => {
      event.hops.push(
        this.hop(ms, [event.eventId], { kind: 'rule' as const, bus: event.bus, rule, matched: true }),
        this.hop(ms + 1, [event.eventId], { kind: 'sqs-send' as const, queue, messageId: messageIds[index]! }),
      );
      event.branches.push({ rule, target: `arn:aws:sqs:us-east-1:000000000000:${queue}`, state: 'done' });
    });
    const shared = [
      this.hop(ms + 10, ids, { kind: 'batch' as const, mapping: 'uuid-2', function: fn, source: queue, size: events.length, batchId, messageIds }),
      ...writes.map((write) => this.hop(ms + 20, ids, { kind: 'dynamodb-write' as const, table: write.table, operation: 'PutItem', keys: write.keys, requestId, outboxEventIds: [] })),
      this.hop(ms + 30, ids, { kind: 'invocation' as const, function: fn, requestId, batchId, sandbox: 'sb-2', cold: false, durationMs: 12, result: 'success' as const }),
    ];
    for (const event of events) event.hops.push(...shared);
  }

  story(id = this.orderId, matchedBy: Story['matchedBy'] = 'correlationId'): Story {
    return { id, matchedBy, truncated: false, events: this.events };
  }
}

/**
 * A declined order's compensation path: placed -> stock reserved -> payment declined (its first
 * attempt timed out) -> stock released, order cancelled; one audit delivery parked in its DLQ, one
 * still in flight, and a status change in the outbox not published yet.
 */
export function declinedOrderStory(orderId = 'ord-declined') {
  const b = new StoryBuilder(orderId);
  const placed = b.event(0, 'e-placed', 'shop.orders', 'OrderPlaced');
  b.through(placed, 5, 'RecordOrderRule', 'RecordOrderQueue', 'RecordOrderFunction', [{ result: 'success', writes: [{ table: 'Orders', outbox: [] }] }]);
  const [reserveRequest] = b.through(placed, 5, 'ReserveStockRule', 'ReserveStockQueue', 'ReserveStockFunction', [{ result: 'success', writes: [{ table: 'Inventory', outbox: ['e-reserved'] }] }]);
  b.through(placed, 5, 'RecordEventRule', 'RecordEventQueue', 'RecordEventFunction', [{ result: 'success' }]);

  const reserved = b.event(100, 'e-reserved', 'shop.inventory', 'StockReserved', { by: { eventId: 'e-placed', function: 'InventoryRelay', requestId: `relay-of-${reserveRequest}` } });
  b.through(reserved, 105, 'UpdateOrderStatusRule', 'UpdateOrderStatusQueue', 'UpdateOrderStatusFunction', [{ result: 'success', writes: [{ table: 'Orders', outbox: ['e-status-reserved'] }] }]);
  b.through(reserved, 105, 'AuthorizePaymentRule', 'AuthorizePaymentQueue', 'AuthorizePaymentFunction', [
    { result: 'timeout', error: 'Task timed out after 10.00 seconds' },
    { result: 'success', writes: [{ table: 'Payments', outbox: ['e-declined'] }] },
  ]);
  b.through(reserved, 105, 'RecordEventRule', 'RecordEventQueue', 'RecordEventFunction', [], { state: 'in-flight', where: 'RecordEventQueue' });

  const statusReserved = b.event(200, 'e-status-reserved', 'shop.orders', 'OrderStatusChanged', { by: { eventId: 'e-reserved', function: 'OrdersRelay', requestId: 'relay-2' } });
  statusReserved.unmatched = [{ rule: 'SendNotificationRule', bus: 'shop-domain', field: 'detail.data.to' }];
  b.through(statusReserved, 205, 'RecordEventRule', 'RecordEventQueue', 'RecordEventFunction', [{ result: 'success' }]);

  const declined = b.event(1300, 'e-declined', 'shop.payments', 'PaymentDeclined', { by: { eventId: 'e-reserved', function: 'PaymentsRelay', requestId: 'relay-3' } });
  b.through(declined, 1305, 'ReleaseStockRule', 'ReleaseStockQueue', 'ReleaseStockFunction', [{ result: 'success', writes: [{ table: 'Inventory', outbox: ['e-released'] }] }]);
  b.through(declined, 1305, 'UpdateOrderStatusRule', 'UpdateOrderStatusQueue', 'UpdateOrderStatusFunction', [{ result: 'success', writes: [{ table: 'Orders', outbox: ['e-status-cancelled', 'e-not-yet'] }] }]);
  b.through(
    declined,
    1305,
    'RecordEventRule',
    'RecordEventQueue',
    'RecordEventFunction',
    [{ result: 'success', failedRecord: true, error: 'ProvisionedThroughputExceededException' }],
    { state: 'dead-letter', where: 'RecordEventDeadLetterQueue', reason: 'ProvisionedThroughputExceededException: rate exceeded' },
  );

  const released = b.event(1400, 'e-released', 'shop.inventory', 'StockReleased', { by: { eventId: 'e-declined', function: 'InventoryRelay', requestId: 'relay-4' } });
  b.through(released, 1405, 'RecordEventRule', 'RecordEventQueue', 'RecordEventFunction', [{ result: 'success' }]);
  const cancelled = b.event(1450, 'e-status-cancelled', 'shop.orders', 'OrderStatusChanged', { by: { eventId: 'e-declined', function: 'OrdersRelay', requestId: 'relay-5' } });
  b.through(cancelled, 1455, 'SendNotificationRule', 'SendNotificationQueue', 'SendNotificationFunction', [{ result: 'success' }]);
  return b;
}
