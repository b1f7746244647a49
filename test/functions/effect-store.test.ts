import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { EffectStore } from '../../functions/shared/effect-store';
import { parseOutbox, type OutboxEntry } from '../../functions/shared/outbox';
import { createServiceTable, testDynamo } from '../support/tables';

/** The store every handler writes through: one write per effect, its events in the same item. */
let store: EffectStore;

beforeAll(async () => {
  store = new EffectStore(testDynamo, await createServiceTable('effect-store'));
});

const entry = (detailType: string): OutboxEntry => ({ Source: 'shop.test', DetailType: detailType, Detail: JSON.stringify({ metadata: { eventId: `id-${detailType}` }, data: {} }) });
const item = async (pk: string) => (await testDynamo.send(new GetCommand({ TableName: store.tableName, Key: { pk, sk: 'ITEM' }, ConsistentRead: true }))).Item;

describe('EffectStore', () => {
  it('puts an item with its outbox, and refuses a second put of the same key without writing', async () => {
    // Act
    const first = await store.write(store.put({ pk: 'P1', sk: 'ITEM', n: 1 }, { condition: 'attribute_not_exists(pk)', publish: [entry('Created')] }));
    const second = await store.write(store.put({ pk: 'P1', sk: 'ITEM', n: 2 }, { condition: 'attribute_not_exists(pk)', publish: [entry('CreatedAgain')] }));

    // Assess
    expect([first, second]).toEqual([{ status: 'written' }, { status: 'condition-failed', index: 0 }]);
    const stored = await item('P1');
    expect(stored?.['n']).toBe(1);
    expect(parseOutbox(String(stored?.['outbox'])).map((e) => e.DetailType)).toEqual(['Created']);
  });

  it('replaces the outbox on an update that publishes, and removes it on one that does not', async () => {
    await store.write(store.put({ pk: 'U1', sk: 'ITEM', status: 'A' }, { publish: [entry('A')] }));

    await store.write(store.update({ pk: 'U1', sk: 'ITEM' }, { set: { status: 'B' }, condition: '#status = :expected', conditionValues: { ':expected': 'A' }, publish: [entry('B')] }));
    const afterB = await item('U1');
    await store.write(store.update({ pk: 'U1', sk: 'ITEM' }, { set: { note: 'details' }, publish: [] }));
    const afterNote = await item('U1');

    expect(parseOutbox(String(afterB?.['outbox'])).map((e) => e.DetailType)).toEqual(['B']);
    expect(afterNote).toMatchObject({ status: 'B', note: 'details' });
    expect(afterNote).not.toHaveProperty('outbox');
  });

  it('writes several items as one transaction, or none of them, naming the write whose condition failed', async () => {
    await store.write(store.put({ pk: 'S1', sk: 'ITEM', available: 2, reserved: 0 }, { publish: [] }));

    const short = await store.write(
      store.put({ pk: 'R1', sk: 'ITEM' }, { condition: 'attribute_not_exists(pk)', publish: [entry('Reserved')] }),
      store.adjust({ pk: 'S1', sk: 'ITEM' }, { add: { available: -3, reserved: 3 }, atLeast: { available: 3 } }),
    );
    const enough = await store.write(
      store.put({ pk: 'R1', sk: 'ITEM' }, { condition: 'attribute_not_exists(pk)', publish: [entry('Reserved')] }),
      store.adjust({ pk: 'S1', sk: 'ITEM' }, { add: { available: -2, reserved: 2 }, atLeast: { available: 2 } }),
    );

    expect([short, enough]).toEqual([{ status: 'condition-failed', index: 1 }, { status: 'written' }]);
    expect(await item('S1')).toMatchObject({ available: 0, reserved: 2 });
    expect(await item('S1')).not.toHaveProperty('outbox');
    expect(await item('R1')).toHaveProperty('outbox');
  });

  it('refuses a write of nothing', async () => {
    await expect(store.write()).rejects.toThrow('EffectStore.write needs at least one write');
  });
});
