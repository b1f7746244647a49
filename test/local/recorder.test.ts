import { Recorder } from '../../local/recorder';
import type { HopData } from '../../local/recorder';

// The flight recorder on its own: a bounded ring with indexes, and stories assembled from hops as
// the services' observers record them (the observers themselves are exercised in recorder-cloud.test.ts).

const ids = (eventId: string, eventBridgeId: string, order: string) => ({ eventIds: [eventId, eventBridgeId], correlationIds: [order] });

/** Records an event's PutEvents, a matched rule and its delivery to a queue as message `messageId`. */
function delivered(recorder: Recorder, event: { id: string; eb: string; order: string; type?: string; messageId: string; by?: { function: string; requestId: string } }) {
  const own = ids(event.id, event.eb, event.order);
  recorder.record({ kind: 'put-events', bus: 'shop', source: 'shop.orders', detailType: event.type ?? 'OrderPlaced', eventBridgeId: event.eb, eventId: event.id, rulesOnBus: 3, ...(event.by ? { by: event.by } : {}) }, own);
  recorder.record({ kind: 'rule', bus: 'shop', rule: 'to-orders', matched: true, eventBridgeId: event.eb }, own);
  recorder.record({ kind: 'rule', bus: 'shop', rule: 'big-orders', matched: false, field: 'detail.data.total', eventBridgeId: event.eb }, own);
  recorder.record({ kind: 'sqs-send', queue: 'orders-q', messageId: event.messageId }, own);
  recorder.record({ kind: 'target', bus: 'shop', rule: 'to-orders', target: 'orders-q', outcome: 'delivered', attempt: 1, eventBridgeId: event.eb, messageId: event.messageId }, own);
  return own;
}

/** Records a batch of one message, its invocation (with `result`) and optionally a write with an outbox. */
function processed(recorder: Recorder, messageId: string, own: ReturnType<typeof ids>, run: { requestId: string; batchId: string; result?: 'success' | 'error'; failItem?: boolean; outbox?: string[] }) {
  recorder.record({ kind: 'sqs-receive', queue: 'orders-q', messageId, receiveCount: 1 }, own);
  recorder.record({ kind: 'batch', mapping: 'm-1', function: 'record-order', source: 'orders-q', size: 1, batchId: run.batchId, messageIds: [messageId] }, own);
  if (run.outbox !== undefined) {
    recorder.record(
      { kind: 'dynamodb-write', table: 'orders', operation: 'PutItem', keys: [{ pk: 'ORDER#1' }], requestId: run.requestId, function: 'record-order', outboxEventIds: run.outbox, ok: true },
      { eventIds: [...own.eventIds, ...run.outbox], correlationIds: own.correlationIds },
    );
  }
  const result = run.result ?? 'success';
  recorder.record(
    {
      kind: 'invocation',
      function: 'record-order',
      requestId: run.requestId,
      batchId: run.batchId,
      sandbox: 's-1',
      cold: false,
      durationMs: 3,
      result,
      ...(result === 'error' ? { error: 'Error: boom' } : {}),
      ...(run.failItem ? { batchItemFailures: [messageId] } : {}),
    },
    own,
  );
}

describe('Recorder', () => {
  it('keeps the newest `capacity` hops and forgets the evicted ones in its indexes', () => {
    // Prepare
    const recorder = new Recorder({ capacity: 3, now: () => Date.UTC(2026, 10, 26) });

    // Act
    for (let n = 1; n <= 5; n++) recorder.record({ kind: 'sqs-send', queue: 'q', messageId: `m${n}` }, { eventIds: [`e${n}`], correlationIds: ['order-1'] });

    // Assess
    expect(recorder.all().map((hop) => hop.seq)).toEqual([3, 4, 5]);
    expect(recorder.lookup('e:e1')).toEqual([]);
    expect(recorder.lookup('m:m2')).toEqual([]);
    expect(recorder.lookup('m:m4').map((hop) => hop.seq)).toEqual([4]);
    expect(recorder.lookup('c:order-1').map((hop) => hop.seq)).toEqual([3, 4, 5]);
    expect(recorder.hopsSince(0, 10).hops.map((hop) => hop.seq)).toEqual([3, 4, 5]);
    expect(recorder.hopsSince(undefined, 2)).toMatchObject({ hops: [{ seq: 4 }, { seq: 5 }], next: 5 });
    expect(recorder.hopsSince(5, 10)).toEqual({ hops: [], next: 5 });
    expect(recorder.hopsSince(3, 10).hops[0]).toMatchObject({ seq: 4, kind: 'sqs-send', time: '2026-11-26T00:00:00.000Z', eventIds: ['e4'] });
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new Recorder({ capacity: 0 })).toThrow('recorder capacity must be a positive integer, got 0');
  });

  it('indexes ids learnt after a hop was recorded, once', () => {
    const recorder = new Recorder();
    const hop = recorder.record({ kind: 'sqs-receive', queue: 'q', messageId: 'm1', receiveCount: 1 });
    recorder.learn(hop, { eventIds: ['e1'], correlationIds: ['o1'] });
    recorder.learn(hop, { eventIds: ['e1'], correlationIds: ['o1'] });
    expect(recorder.lookup('e:e1')).toEqual([hop]);
    expect(recorder.lookup('c:o1')).toEqual([hop]);
    expect(hop.eventIds).toEqual(['e1']);
    expect(recorder.idsOf('m:m1')).toBe(hop);
  });

  it('keeps each index in seq order when a hop learns its ids later, and evicts through it in order', () => {
    // Prepare: the send is recorded before its event is known (as a delivery's message id comes back after the send).
    const recorder = new Recorder({ capacity: 70 });
    const send = recorder.record({ kind: 'sqs-send', queue: 'q', messageId: 'm0' });
    const others = Array.from({ length: 68 }, (_, n) => recorder.record({ kind: 'sqs-delete', queue: 'q', messageId: `m${n + 1}` }, { eventIds: ['e'], correlationIds: ['o'] }));

    // Act
    recorder.learn(send, { eventIds: ['e'], correlationIds: ['o'] });

    // Assess: the learnt hop is first, as its seq says; evictions then drop hops from the front, whatever the list's length.
    expect(recorder.lookup('e:e')[0]).toBe(send);
    expect(recorder.lookup('c:o').map((hop) => hop.seq)).toEqual([send, ...others].map((hop) => hop.seq));
    for (let n = 0; n < 60; n++) recorder.record({ kind: 'sqs-delete', queue: 'q', messageId: `later-${n}` });
    expect(recorder.lookup('e:e').map((hop) => hop.seq)).toEqual(others.filter((hop) => hop.seq > recorder.lastSeq - recorder.capacity).map((hop) => hop.seq));
    for (let n = 0; n < 20; n++) recorder.record({ kind: 'sqs-delete', queue: 'q', messageId: `last-${n}` });
    expect(recorder.lookup('e:e')).toEqual([]);
    expect(recorder.lookup('m:m0')).toEqual([]);
  });

  it('survives snapshot and restore as plain JSON (indexes rebuilt, numbering continued), and clears', () => {
    // Prepare
    const recorder = new Recorder();
    const own = delivered(recorder, { id: 'placed-1', eb: 'eb-1', order: 'order-1', messageId: 'm1' });
    processed(recorder, 'm1', own, { requestId: 'r1', batchId: 'b1' });

    // Act
    const restored = new Recorder();
    restored.restore(JSON.parse(JSON.stringify(recorder.snapshot())));
    const next = restored.record({ kind: 'sqs-delete', queue: 'orders-q', messageId: 'm1' });

    // Assess
    expect(restored.story('order-1').events.map((event) => event.eventId)).toEqual(['placed-1']);
    expect(next.seq).toBe(recorder.lastSeq + 1);
    const again = new Recorder();
    again.restore(recorder.snapshot());
    expect(again.story('placed-1')).toEqual(recorder.story('placed-1'));
    restored.clear();
    expect(restored.all()).toEqual([]);
    expect(restored.story('order-1').matchedBy).toBe('none');
    expect(() => restored.restore({ version: 2 })).toThrow('not a flight recorder snapshot');
  });
});

describe('stories', () => {
  it("tells an order's events in time order, each with its hops, branches, unmatched rules and cause", () => {
    // Prepare: OrderPlaced processed by record-order, whose write holds OrderRecorded; the relay publishes it.
    const recorder = new Recorder();
    const placed = delivered(recorder, { id: 'placed-1', eb: 'eb-1', order: 'order-1', messageId: 'm1' });
    processed(recorder, 'm1', placed, { requestId: 'r1', batchId: 'b1', outbox: ['recorded-1'] });
    recorder.record({ kind: 'sqs-delete', queue: 'orders-q', messageId: 'm1' }, placed);
    delivered(recorder, { id: 'recorded-1', eb: 'eb-2', order: 'order-1', type: 'OrderRecorded', messageId: 'm2', by: { function: 'relay', requestId: 'r-relay' } });
    delivered(recorder, { id: 'placed-2', eb: 'eb-3', order: 'order-2', messageId: 'm3' });

    // Act
    const story = recorder.story('order-1');

    // Assess
    expect(story).toMatchObject({ id: 'order-1', matchedBy: 'correlationId', truncated: false });
    expect(story.events.map((event) => [event.eventId, event.eventBridgeId, event.detailType])).toEqual([
      ['placed-1', 'eb-1', 'OrderPlaced'],
      ['recorded-1', 'eb-2', 'OrderRecorded'],
    ]);
    const [first, second] = story.events;
    expect(first!.hops.map((hop) => hop.kind)).toEqual(['put-events', 'rule', 'rule', 'sqs-send', 'target', 'sqs-receive', 'batch', 'dynamodb-write', 'invocation', 'sqs-delete']);
    expect(first!.branches).toEqual([{ target: 'orders-q', rule: 'to-orders', state: 'done', where: 'record-order' }]);
    expect(first!.unmatched).toEqual([{ rule: 'big-orders', bus: 'shop', field: 'detail.data.total' }]);
    expect(second!.causedBy).toEqual({ function: 'record-order', requestId: 'r1', eventId: 'placed-1' });
    expect(second!.publishedBy).toEqual({ function: 'relay', requestId: 'r-relay' });
    expect(second!.branches).toEqual([{ target: 'orders-q', rule: 'to-orders', state: 'in-flight', where: 'orders-q' }]);

    // By event id: the event and what it led to; by the second's EventBridge id: that one alone.
    expect(recorder.story('placed-1').events.map((event) => event.eventId)).toEqual(['placed-1', 'recorded-1']);
    expect(recorder.story('eb-2')).toMatchObject({ matchedBy: 'eventId', events: [{ eventId: 'recorded-1' }] });
    expect(recorder.story('nobody')).toEqual({ id: 'nobody', matchedBy: 'none', truncated: false, events: [] });
  });

  it('ends a poison message in the DLQ with the reason, and a message whose last invocation failed as failed', () => {
    const recorder = new Recorder();
    const poison = delivered(recorder, { id: 'placed-1', eb: 'eb-1', order: 'order-1', messageId: 'm1' });
    processed(recorder, 'm1', poison, { requestId: 'r1', batchId: 'b1', result: 'error' });
    recorder.record({ kind: 'sqs-visibility-expired', queue: 'orders-q', messageId: 'm1', receiveCount: 1 }, poison);
    processed(recorder, 'm1', poison, { requestId: 'r2', batchId: 'b2', failItem: true });
    recorder.record({ kind: 'sqs-send', queue: 'orders-dlq', messageId: 'm1' }, poison);
    recorder.record({ kind: 'sqs-dead-letter', queue: 'orders-q', deadLetterQueue: 'orders-dlq', messageId: 'm1', receiveCount: 2 }, poison);
    const failing = delivered(recorder, { id: 'placed-2', eb: 'eb-2', order: 'order-2', messageId: 'm2' });
    processed(recorder, 'm2', failing, { requestId: 'r3', batchId: 'b3', result: 'error' });

    expect(recorder.story('order-1').events[0]!.branches).toEqual([
      { target: 'orders-q', rule: 'to-orders', state: 'dead-letter', where: 'orders-dlq', reason: 'received 2 times from orders-q (maxReceiveCount); last attempt: record-order reported it in batchItemFailures' },
    ]);
    expect(recorder.story('order-2').events[0]!.branches).toEqual([
      { target: 'orders-q', rule: 'to-orders', state: 'failed', where: 'orders-q', reason: 'record-order error: Error: boom; it returns to orders-q after its visibility timeout' },
    ]);
    // Redriven out of the DLQ: waiting again in its queue.
    recorder.record({ kind: 'sqs-send', queue: 'orders-q', messageId: 'm1' }, poison);
    expect(recorder.story('order-1').events[0]!.branches[0]).toMatchObject({ state: 'in-flight', where: 'orders-q' });
  });

  it("ends EventBridge deliveries as retrying (in-flight), in the target's DLQ or dropped", () => {
    const recorder = new Recorder();
    const own = ids('e1', 'eb-1', 'order-1');
    recorder.record({ kind: 'put-events', bus: 'shop', source: 's', detailType: 'T', eventBridgeId: 'eb-1', eventId: 'e1', rulesOnBus: 3 }, own);
    const target = (rule: string, data: Partial<Extract<HopData, { kind: 'target' }>>) =>
      recorder.record({ kind: 'target', bus: 'shop', rule, target: `${rule}-q`, outcome: 'delivered', attempt: 1, eventBridgeId: 'eb-1', ...data }, own);
    target('a', { outcome: 'retry', error: 'SDK_CLIENT_ERROR: throttled' });
    target('b', { outcome: 'retry', error: 'SDK_CLIENT_ERROR: throttled' });
    target('b', { outcome: 'dead-letter', attempt: 2, error: 'SDK_CLIENT_ERROR: throttled (MaximumRetryAttempts exhausted)', deadLetterQueue: 'b-dlq', messageId: 'd1' });
    target('c', { outcome: 'dropped', error: 'NO_RESOURCE: gone; no dead-letter queue' });
    target('d', { target: 'bus-2' });

    expect(recorder.story('order-1').events[0]!.branches).toEqual([
      { target: 'a-q', rule: 'a', state: 'in-flight', where: 'a-q', reason: 'retrying delivery (attempt 1 failed: SDK_CLIENT_ERROR: throttled)' },
      { target: 'b-q', rule: 'b', state: 'dead-letter', where: 'b-dlq', reason: 'delivery failed after 2 attempt(s): SDK_CLIENT_ERROR: throttled (MaximumRetryAttempts exhausted)' },
      { target: 'c-q', rule: 'c', state: 'dropped', reason: 'NO_RESOURCE: gone; no dead-letter queue' },
      { target: 'bus-2', rule: 'd', state: 'done', where: 'bus-2' },
    ]);
  });

  it('says a story is truncated when the ring evicted an event of it', () => {
    const recorder = new Recorder({ capacity: 4 });
    delivered(recorder, { id: 'placed-1', eb: 'eb-1', order: 'order-1', messageId: 'm1' });
    expect(recorder.story('order-1')).toMatchObject({ truncated: true, events: [{ eventBridgeId: 'eb-1' }] });
  });
});
