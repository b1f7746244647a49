import { inTimeOrder } from '../../scripts/trace/aws-reconstruction';
import { buildTree } from '../../scripts/trace/build-tree';
import { summarize } from '../../scripts/trace/event-summaries';
import { renderText, shortName } from '../../scripts/trace/render-text';
import { parseStory } from '../../scripts/trace/story-contract';
import { walkEvents, type EventNode, type TraceTree } from '../../scripts/trace/trace-tree';
import { declinedOrderStory, StoryBuilder } from './trace-fixtures';

/** The story as it arrives over HTTP: JSON, read through the contract. */
const overTheWire = (story: unknown) => parseStory(JSON.parse(JSON.stringify(story)));

const CANCELLED = { status: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED' };

/** Every event of the tree, depth first, with the path of detail-types that led to it. */
const walk = (tree: TraceTree) => walkEvents(tree.events);

const ruleOf = (event: EventNode, rule: string) => {
  const found = event.rules.find((r) => r.rule === rule);
  if (found === undefined) throw new Error(`no rule ${rule} under ${event.detailType}`);
  return found;
};

describe('trace tree from the flight recorder', () => {
  it('hangs each published event under the write whose outbox held it: the compensation path from one root', () => {
    // Prepare
    const story = overTheWire(declinedOrderStory().story());

    // Act
    const tree = buildTree(story, CANCELLED);

    // Assess
    expect(tree.events.map((e) => e.detailType)).toEqual(['OrderPlaced']);
    const paths = walk(tree).map(({ path }) => path.join(' > '));
    expect(paths).toEqual(
      expect.arrayContaining([
        'OrderPlaced > StockReserved > PaymentDeclined > StockReleased',
        'OrderPlaced > StockReserved > PaymentDeclined > OrderStatusChanged',
        'OrderPlaced > StockReserved > OrderStatusChanged',
      ]),
    );
    // Each of the story's events once, none lost or doubled.
    expect(walk(tree).map(({ event }) => event.eventId).sort()).toEqual(story.events.map((e) => e.eventId).sort());
    const reserve = ruleOf(tree.events[0]!, 'ReserveStockRule');
    expect(reserve.queue).toBe('ReserveStockQueue');
    expect(reserve.invocations[0]).toMatchObject({ function: 'ReserveStockFunction', cold: true, result: 'success', recordFailed: false, batchSize: 1 });
    expect(reserve.invocations[0]!.writes[0]).toMatchObject({ table: 'Inventory', unpublished: [] });
    expect(reserve.invocations[0]!.writes[0]!.published[0]).toMatchObject({ detailType: 'StockReserved', publishedBy: { function: 'InventoryRelay' }, offsetMs: 100 });
    expect(tree).toMatchObject({ orderId: 'ord-declined', matchedBy: 'correlationId', from: 'flight-recorder', order: CANCELLED, startedAt: '2026-11-26T10:00:00.000Z' });
  });

  it('shows retries as attempts, a record failed inside a successful invocation, and where each branch ended', () => {
    // Prepare
    const tree = buildTree(overTheWire(declinedOrderStory().story()), CANCELLED);
    const reserved = walk(tree).find(({ event }) => event.detailType === 'StockReserved')!.event;
    const declined = walk(tree).find(({ event }) => event.detailType === 'PaymentDeclined')!.event;

    // Assess: the payment's first invocation timed out, the second published the decline.
    const authorize = ruleOf(reserved, 'AuthorizePaymentRule').invocations;
    expect(authorize.map((i) => [i.attempt, i.result, i.recordFailed, i.cold])).toEqual([
      [1, 'timeout', true, true],
      [2, 'success', false, false],
    ]);
    expect(authorize[0]!.error).toBe('Task timed out after 10.00 seconds');
    // Listed in batchItemFailures: the invocation succeeded, this event's record did not.
    expect(ruleOf(declined, 'RecordEventRule').invocations[0]).toMatchObject({ result: 'success', recordFailed: true });
    expect(tree.endings.filter((end) => end.state !== 'done')).toEqual([
      // In the order the tree shows them: a rule's end after what its invocations published.
      { eventId: 'e-not-yet', state: 'in-flight', where: 'the stream of table Orders', reason: 'written to the outbox, not published yet' },
      { eventId: 'e-declined', rule: 'RecordEventRule', state: 'dead-letter', where: 'RecordEventDeadLetterQueue', reason: 'ProvisionedThroughputExceededException: rate exceeded' },
      { eventId: 'e-reserved', rule: 'RecordEventRule', state: 'in-flight', where: 'RecordEventQueue' },
    ]);
    const statusChange = walk(tree).find(({ event }) => event.eventId === 'e-status-reserved')!.event;
    expect(statusChange.unmatched).toEqual([{ rule: 'SendNotificationRule', field: 'detail.data.to' }]);
  });

  it('links an event whose write the recorder does not hold under its cause, and an unrelated event at the root', () => {
    // Prepare: the released stock's write is missing; a second client event of the same order.
    const b = new StoryBuilder('ord-2');
    const declined = b.event(0, 'e-declined', 'shop.payments', 'PaymentDeclined');
    b.through(declined, 5, 'ReleaseStockRule', 'ReleaseStockQueue', 'ReleaseStockFunction', [{ result: 'success' }]);
    b.event(50, 'e-released', 'shop.inventory', 'StockReleased', { by: { eventId: 'e-declined', function: 'InventoryRelay', requestId: 'relay-1' } });
    b.event(60, 'e-webhook', 'carrier.webhooks', 'ShipmentDelivered');

    // Act
    const tree = buildTree(overTheWire(b.story()), null);

    // Assess
    expect(tree.events.map((e) => e.eventId)).toEqual(['e-declined', 'e-webhook']);
    expect(tree.events[0]!.caused.map((e) => e.eventId)).toEqual(['e-released']);
  });

  it("gives each record of a batch the writes that name its event, and marks the batch's other writes as such", () => {
    // Prepare: two events of the order handled in one invocation of two records.
    const b = new StoryBuilder('ord-3');
    const first = b.event(0, 'e-first', 'shop.orders', 'OrderPlaced');
    const second = b.event(10, 'e-second', 'shop.orders', 'OrderStatusChanged');
    b.batchOf([first, second], 20, 'RecordEventRule', 'RecordEventQueue', 'RecordEventFunction', [
      { table: 'Audit', keys: [{ pk: 'ORDER#ord-3', sk: 'T1#shop.orders#e-first' }] },
      { table: 'Audit', keys: [{ pk: 'ORDER#ord-3', sk: 'T2#shop.orders#e-second' }] },
      { table: 'Counters', keys: [{ pk: 'DAY#1' }] },
    ]);

    // Act
    const tree = buildTree(overTheWire(b.story()), null);

    // Assess
    const writesOf = (event: EventNode) => ruleOf(event, 'RecordEventRule').invocations[0]!.writes.map((w) => [w.table, String(w.keys[0]!['sk'] ?? w.keys[0]!['pk']), w.ofTheBatch ?? false]);
    expect(writesOf(tree.events[0]!)).toEqual([
      ['Audit', 'T1#shop.orders#e-first', false],
      ['Counters', 'DAY#1', true],
    ]);
    expect(writesOf(tree.events[1]!)).toEqual([
      ['Audit', 'T2#shop.orders#e-second', false],
      ['Counters', 'DAY#1', true],
    ]);
    expect(ruleOf(tree.events[0]!, 'RecordEventRule').invocations[0]).toMatchObject({ batchSize: 2, recordFailed: false });
    expect(renderText(tree, { color: false })).toMatch(/Counters PutItem pk=DAY#1  \(by the batch: not told apart by record\)/);
  });

  it('hangs an event a rule forwarded to another bus under that rule, as the recorder names the bus (a name, not an ARN)', () => {
    // Prepare: the carrier's event on the integration bus, forwarded by a rule to the domain bus (the same event id).
    const b = new StoryBuilder('ord-4');
    const webhook = b.event(0, 'e-delivered', 'carrier.webhooks', 'ShipmentDelivered', { bus: 'shop-integration' });
    webhook.branches.push({ rule: 'ForwardCarrierEvents', target: 'shop-domain', state: 'done' });
    b.event(5, 'e-delivered', 'carrier.webhooks', 'ShipmentDelivered', { bus: 'shop-domain' });

    // Act
    const tree = buildTree(overTheWire(b.story()), null);

    // Assess
    expect(tree.events.map((e) => e.bus)).toEqual(['shop-integration']);
    expect(ruleOf(tree.events[0]!, 'ForwardCarrierEvents').forwarded.map((e) => e.bus)).toEqual(['shop-domain']);
  });

  it("leaves out the writes of another order handled in the same batch, and their unpublished outbox", () => {
    // Prepare: ord-5's event and ord-50's event in one batch; the invocation wrote one order item each, each with an outbox.
    const b = new StoryBuilder('ord-5');
    const placed = b.event(0, 'e-placed-5', 'shop.orders', 'OrderPlaced');
    b.batchOf([placed], 20, 'RecordOrderRule', 'RecordOrderQueue', 'RecordOrderFunction', []);
    const invocation = placed.hops.find((hop) => hop.kind === 'invocation')! as { correlationIds: string[]; requestId: string; eventIds: string[] };
    invocation.correlationIds.push('ord-50');
    invocation.eventIds.push('e-placed-50');
    const batch = placed.hops.find((hop) => hop.kind === 'batch')! as { size: number };
    batch.size = 2;
    for (const order of ['ord-5', 'ord-50']) {
      placed.hops.push(b.hop(40, ['e-placed-5'], { kind: 'dynamodb-write' as const, table: 'Orders', operation: 'PutItem', keys: [{ pk: `ORDER#${order}`, sk: 'ORDER' }], requestId: invocation.requestId, outboxEventIds: [`e-status-${order}`] }));
    }

    // Act
    const tree = buildTree(overTheWire(b.story()), null);

    // Assess: only ord-5's write, whose event is still in its outbox; its own (the batch's other record is of another order).
    const writes = ruleOf(tree.events[0]!, 'RecordOrderRule').invocations[0]!.writes;
    expect(writes.map((w) => [w.keys[0]!['pk'], w.unpublished, w.ofTheBatch ?? false])).toEqual([['ORDER#ord-5', ['e-status-ord-5'], false]]);
  });

  it('finds the order of a story asked for by event id', () => {
    const tree = buildTree(overTheWire(declinedOrderStory('ord-9').story('e-declined', 'eventId')), undefined);
    expect(tree).toMatchObject({ id: 'e-declined', matchedBy: 'eventId', orderId: 'ord-9' });
    expect(tree.order).toBeUndefined();
  });
});

describe('the recorder contract', () => {
  it('names the field of a story that broke the contract', () => {
    const story = JSON.parse(JSON.stringify(declinedOrderStory().story())) as { events: Array<{ hops: Array<Record<string, unknown>> }> };
    const invocation = story.events[0]!.hops.find((hop) => hop['kind'] === 'invocation')!;
    invocation['cold'] = 'yes';
    expect(() => parseStory(story)).toThrow(/events\.0\.hops\.\d+\.cold: invocation hop: .*boolean/);
    expect(() => parseStory({ id: 'x', events: [] })).toThrow(/matchedBy/);
  });

  it('lets hop kinds and fields it does not read through', () => {
    const story = JSON.parse(JSON.stringify(declinedOrderStory().story())) as { events: Array<{ hops: unknown[] }> };
    story.events[0]!.hops.push({ kind: 'archive', seq: 999, time: '2026-11-26T10:00:00.000Z', eventIds: [], correlationIds: [], archive: 'a' });
    expect(parseStory(story).events[0]!.hops.some((hop) => hop.seq === 999)).toBe(false);
  });
});

describe('trace as text', () => {
  const tree = () => buildTree(overTheWire(declinedOrderStory().story()), CANCELLED);

  it('draws the tree in time with offsets, functions, ends and the final state', () => {
    // Act
    const text = renderText(tree(), { color: false });

    // Assess
    const lines = text.split('\n');
    expect(lines[0]).toBe('Order ord-declined: CANCELLED (PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED)');
    expect(lines).toContain('+0 ms  shop.orders OrderPlaced  e-placed  on shop-domain');
    expect(text).toMatch(/^├─ rule ReserveStockRule → queue ReserveStockQueue$/m);
    expect(text).toMatch(/^│  ├─ \+16 ms  ReserveStockFunction  cold, 40 ms, batch of 1  success$/m);
    expect(text).toMatch(/^│  │  └─ Inventory TransactWriteItems pk=ORDER#ord-declined$/m);
    expect(text).toMatch(/^│  │     └─ \+100 ms  shop\.inventory StockReserved  e-reserved  on shop-domain  published by InventoryRelay$/m);
    expect(text).toMatch(/AuthorizePaymentFunction  cold, 40 ms, batch of 1  timeout: Task timed out after 10\.00 seconds$/m);
    expect(text).toMatch(/AuthorizePaymentFunction  warm, 40 ms, batch of 1, attempt 2  success$/m);
    expect(text).toMatch(/\+1\.30 s  shop\.payments PaymentDeclined  e-declined/);
    expect(text).toMatch(/✗ not matched: rule SendNotificationRule \(failed on detail\.data\.to\)/);
    expect(text).toMatch(/… e-not-yet in the outbox, not published yet \(in flight\)/);
    expect(text).toMatch(/✘ dead-letter queue RecordEventDeadLetterQueue: ProvisionedThroughputExceededException: rate exceeded  \(event e-declined, rule RecordEventRule\)/);
    expect(text).toMatch(/… in flight, waiting in RecordEventQueue  \(event e-reserved, rule RecordEventRule\)/);
    expect(lines).toContain('  Final state: CANCELLED (PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED)');
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('colours only when asked (a terminal)', () => {
    const text = renderText(tree(), { color: true });
    expect(text).toMatch(/\u001b\[32m✔ done\u001b\[0m/);
    expect(text).toMatch(/\u001b\[31m✘ dead-letter queue/);
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe(renderText(tree(), { color: false }));
  });

  it("shows names without their stack's prefix and the CDK's hash", () => {
    const stacks = ['Shop-dev', 'Shop-dev-Orders'];
    expect(shortName('Shop-dev-Orders-RecordOrderQueue32D08339', stacks)).toBe('RecordOrderQueue');
    expect(shortName('ShopdevEventBusDomainBusBF0216FA', stacks)).toBe('ShopdevEventBusDomainBus');
    expect(shortName('Shop-dev-Thing', stacks)).toBe('Thing');
    expect(shortName('orders-queue', stacks)).toBe('orders-queue');
    expect(shortName('QUEUE0123ABCD', stacks)).toBe('QUEUE0123ABCD');
    const text = renderText(buildTree(overTheWire(declinedOrderStory().story()), CANCELLED), { color: false, stackNames: ['Shop'] });
    expect(text.split('\n')[1]).toMatch(/; names without their stack prefix and CDK hash \(--json: in full\)$/);
  });

  it("says what an event said, from its payload's short fields, beside its type", () => {
    // Prepare
    const summaries = new Map([['e-status-cancelled', summarize({ orderId: 'ord-declined', customerId: 'c-1', from: 'RESERVED', to: 'CANCELLED', reason: 'PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED' }, 'ord-declined')!]]);

    // Act
    const text = renderText(buildTree(overTheWire(declinedOrderStory().story()), CANCELLED, summaries), { color: false });

    // Assess
    expect(text).toMatch(/ shop\.orders OrderStatusChanged from=RESERVED reason=PAYMENT_DECLINED: CREDIT_LIMIT_EXCEEDED to=CANCELLED  e-status-cancelled  on shop-domain/);
    expect(summarize({ orderId: 'o', items: [{ sku: 'A' }, { sku: 'B' }], amount: 7200, placedAt: '2026-11-26T10:00:00.000Z' }, 'o')).toBe('amount=7200 items=2');
    expect(summarize({ orderId: 'o' }, 'o')).toBeUndefined();
    expect(summarize('not an object', 'o')).toBeUndefined();
    expect(summarize({ note: 'x'.repeat(50), other: 'y'.repeat(50), third: 'z'.repeat(50) }, 'o')).toHaveLength(120);
  });

  it('says when the order is not final or not in the Orders table', () => {
    const story = overTheWire(declinedOrderStory().story());
    expect(renderText(buildTree(story, { status: 'RESERVED' }), { color: false }).split('\n')[0]).toBe('Order ord-declined: RESERVED (not final)');
    expect(renderText(buildTree(story, null), { color: false }).split('\n')[0]).toBe('Order ord-declined: no item in the Orders table');
  });
});

describe('the AWS reconstruction', () => {
  it("orders audit records by their events' time, a whole-second time among times with milliseconds too", () => {
    // The sort key as the audit store keeps it: `${occurredAt ?? time}#${source}#${eventId}`.
    const items = ['2026-11-26T16:20:47.773Z#shop.inventory#e2', '2026-11-26T16:20:47Z#shop.orders#e1', '2026-11-26T16:20:48.001Z#shop.payments#e3'].map((sk) => ({ sk }));
    expect(inTimeOrder(items).map((item) => String(item['sk']).split('#')[2])).toEqual(['e1', 'e2', 'e3']);
  });
});
