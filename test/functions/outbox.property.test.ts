import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { EffectStore, type EffectWrite } from '../../functions/shared/effect-store';
import type { OutboxEntry } from '../../functions/shared/outbox';
import { captureEvents } from '../support/handlers';
import { OutboxStream } from '../support/outbox';
import { createServiceTable, testDynamo } from '../support/tables';

/**
 * The outbox's rule, whatever the writes: the events published from the stream are exactly the events
 * of the writes that succeeded, each once, in no particular order; a refused write publishes nothing,
 * and so does a write without events (an update removing the outbox, a counter change), even on an
 * item whose outbox from an earlier write is still in place. Writes are drawn at random over a few items: puts, updates, counter
 * adjustments, transactions of two, each with or without a condition that fails.
 */
const events = captureEvents();
let store: EffectStore;
let outbox: OutboxStream;

beforeAll(async () => {
  const table = await createServiceTable('outbox-property');
  store = new EffectStore(testDynamo, table);
  outbox = new OutboxStream(table);
});

type Op =
  | { kind: 'put'; key: number; publish: number; refused: boolean }
  | { kind: 'update'; key: number; publish: number; refused: boolean }
  | { kind: 'adjust'; key: number; onItem: boolean; refused: boolean }
  | { kind: 'pair'; key: number; other: number; publish: number; refused: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: fc.nat(2), publish: fc.nat(2), refused: fc.boolean() }),
  fc.record({ kind: fc.constant('update' as const), key: fc.nat(2), publish: fc.nat(2), refused: fc.boolean() }),
  fc.record({ kind: fc.constant('adjust' as const), key: fc.nat(2), onItem: fc.boolean(), refused: fc.boolean() }),
  fc.record({ kind: fc.constant('pair' as const), key: fc.nat(2), other: fc.nat(2), publish: fc.nat(2), refused: fc.boolean() }),
);

describe('the transactional outbox', () => {
  it('publishes exactly the events of the writes that succeeded, each once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        // Prepare: fresh items for this run; counters live on their own items, as stock does.
        const run = randomUUID().slice(0, 8);
        const key = (n: number) => ({ pk: `${run}#${n}`, sk: 'ITEM' });
        const counter = (n: number) => ({ pk: `${run}#counter${n}`, sk: 'COUNTER' });
        for (let n = 0; n <= 2; n++) await store.write(store.put({ ...counter(n), value: 0 }, { publish: [] }));
        await outbox.flush();
        events.reset();
        const expected: string[] = [];
        const outcome = (count: number): OutboxEntry[] =>
          Array.from({ length: count }, () => {
            const eventId = randomUUID();
            return { Source: 'shop.test', DetailType: 'Happened', Detail: JSON.stringify({ metadata: { eventId }, data: {} }) };
          });

        // Act
        for (const o of ops) {
          const refuse = o.refused ? { condition: 'pk = :nobody', conditionValues: { ':nobody': 'nobody' } } : {};
          const publish = 'publish' in o ? outcome(o.publish) : [];
          let writes: EffectWrite[];
          if (o.kind === 'put') writes = [store.put({ ...key(o.key), at: Date.now() }, { ...(o.refused ? { condition: 'attribute_exists(never)' } : {}), publish })];
          else if (o.kind === 'update') writes = [store.update(key(o.key), { set: { at: Date.now() }, ...refuse, publish })];
          else if (o.kind === 'adjust') writes = [store.adjust(o.onItem ? key(o.key) : counter(o.key), { add: { value: 1 }, ...(o.refused ? { atLeast: { value: 1_000 } } : {}) })];
          else writes = [store.update(key(o.key), { set: { at: Date.now() }, ...refuse, publish }), store.adjust(counter(o.other), { add: { value: 1 } })];
          const result = await store.write(...writes);
          if (result.status === 'written') expected.push(...publish.map((e) => e.Detail));
          else expect(o.refused).toBe(true);
        }
        const answer = await outbox.flush();

        // Assess
        expect(answer.batchItemFailures).toEqual([]);
        expect(events.published.map((e) => e.Detail).sort()).toEqual(expected.sort());
      }),
      {
        // The case that matters most, always tried: a counter change on an item whose outbox is still in place.
        examples: [[[{ kind: 'put', key: 0, publish: 1, refused: false }, { kind: 'adjust', key: 0, onItem: true, refused: false }]]],
        numRuns: Number(process.env['PROPERTY_RUNS'] ?? 30),
        seed: Number(process.env['PROPERTY_SEED'] ?? 20261126),
      },
    );
  });
});
