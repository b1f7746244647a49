import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { OrderStatusChanged } from '../../functions/events';
import { EffectLedger, OutcomePublicationInProgressError } from '../../functions/shared/apply-once';
import { dynamo } from '../../functions/shared/clients';
import { eventEntry, type Publisher } from '../../functions/shared/publisher';
import { createServiceTable, getItem } from '../support/tables';

/** A publisher that records what it publishes, or never finishes (a delivery that crashed mid-publish). */
function publisher(mode: 'records' | 'hangs') {
  const published: PutEventsRequestEntry[] = [];
  const fake = { publish: (entries: readonly PutEventsRequestEntry[]) => (mode === 'hangs' ? new Promise<void>(() => undefined) : (published.push(...entries), Promise.resolve())) };
  return { published, publisher: fake as unknown as Publisher };
}

let table: string;
beforeAll(async () => {
  table = await createServiceTable('ledger');
});

const outcome = [eventEntry(OrderStatusChanged, { orderId: 'o', from: null, to: 'PLACED' }, 'o')];
const write = (id: string) => [{ Put: { TableName: table, Item: { pk: `THING#${id}`, sk: 'THING' } } }];

async function markerExists(eventId: string): Promise<void> {
  for (let i = 0; i < 200 && (await getItem(table, `EVENT#${eventId}`, 'EVENT')) === undefined; i++) await new Promise((r) => setImmediate(r));
}

describe('EffectLedger publication lease', () => {
  it('lets a copy of the event publish the outcome once the committing delivery\'s lease ran out', async () => {
    // Prepare: the first delivery commits, then never finishes publishing (its lease is already over).
    const crashed = publisher('hangs');
    void new EffectLedger({ dynamo, publisher: crashed.publisher, tableName: table, publishLeaseMs: 0 }).apply('e-takeover', write('a'), outcome);
    await markerExists('e-takeover');

    // Act
    const second = publisher('records');
    const result = await new EffectLedger({ dynamo, publisher: second.publisher, tableName: table }).apply('e-takeover', write('a'), outcome);

    // Assess
    expect(result).toEqual({ status: 'duplicate' });
    expect(second.published).toHaveLength(1);
    expect(await getItem(table, 'EVENT#e-takeover', 'EVENT')).toMatchObject({ published: true });
  });

  it('fails a copy that arrives while the committing delivery still owns the publication', async () => {
    const slow = publisher('hangs');
    void new EffectLedger({ dynamo, publisher: slow.publisher, tableName: table, publishLeaseMs: 60_000 }).apply('e-busy', write('b'), outcome);
    await markerExists('e-busy');
    const second = publisher('records');
    await expect(new EffectLedger({ dynamo, publisher: second.publisher, tableName: table }).apply('e-busy', write('b'), outcome)).rejects.toThrow(OutcomePublicationInProgressError);
    expect(second.published).toEqual([]);
  });

  it('completes an applied event whose outcome is still owed, for a handler that found nothing left to do', async () => {
    // Prepare: the first delivery commits, then dies before publishing (its lease is already over).
    const crashed = publisher('hangs');
    void new EffectLedger({ dynamo, publisher: crashed.publisher, tableName: table, publishLeaseMs: 0 }).apply('e-owed', write('c'), outcome);
    await markerExists('e-owed');
    const later = publisher('records');
    const ledger = new EffectLedger({ dynamo, publisher: later.publisher, tableName: table });

    // Act
    const owed = await ledger.completeIfApplied('e-owed');
    const again = await ledger.completeIfApplied('e-owed');
    const unknown = await ledger.completeIfApplied('e-never-applied');

    // Assess: published once, and an event never applied is told apart.
    expect([owed, again, unknown]).toEqual([true, true, false]);
    expect(later.published).toEqual(outcome);
  });

  it('publishes an owed outcome again with the same event ids, so consumers see one event', async () => {
    // Prepare: PutEvents took the outcome, then the delivery died before recording it (here: an error).
    const entries = [eventEntry(OrderStatusChanged, { orderId: 'r', from: null, to: 'PLACED' }, 'r')];
    const published: PutEventsRequestEntry[] = [];
    let calls = 0;
    const diesAfterPublishing = { publish: async (e: readonly PutEventsRequestEntry[]) => (published.push(...e), calls++ === 0 ? Promise.reject(new Error('died after PutEvents')) : undefined) } as unknown as Publisher;
    const ledger = new EffectLedger({ dynamo, publisher: diesAfterPublishing, tableName: table });
    await expect(ledger.apply('e-republish', write('d'), entries)).rejects.toThrow('died after PutEvents');

    // Act: the redelivery, which builds its own fresh outcome, publishes the stored one.
    const fresh = [eventEntry(OrderStatusChanged, { orderId: 'r', from: null, to: 'PLACED' }, 'r')];
    const result = await ledger.apply('e-republish', write('d'), fresh);

    // Assess
    expect(result).toEqual({ status: 'duplicate' });
    expect(published).toHaveLength(2);
    expect(published[1]!.Detail).toBe(published[0]!.Detail);
    expect(JSON.parse(published[0]!.Detail!).metadata.eventId).toBe(JSON.parse(entries[0]!.Detail!).metadata.eventId);
  });
});
