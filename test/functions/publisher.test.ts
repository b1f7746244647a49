import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { OrderPlaced, OrderStatusChanged } from '../../functions/events';
import { PublishError } from '../../functions/shared/errors';
import { eventEntry, Publisher } from '../../functions/shared/publisher';

const client = new EventBridgeClient({});
const mock = mockClient(client);
const publisher = new Publisher({ client, eventBusName: 'bus', baseDelayMs: 1 });
const entry = (i: number) => eventEntry(OrderStatusChanged, { orderId: `o-${i}`, from: null, to: 'PLACED' }, `o-${i}`);

/** Answers each PutEvents call, failing the entries `fail` picks. */
function answer(fail: (entry: PutEventsRequestEntry, call: number) => boolean) {
  let call = 0;
  mock.on(PutEventsCommand).callsFake(({ Entries = [] }: { Entries: PutEventsRequestEntry[] }) => {
    call++;
    const results = Entries.map((e) => (fail(e, call) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: 'id' }));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  });
}

beforeEach(() => mock.reset());

describe('Publisher', () => {
  it('sends at most 10 entries per PutEvents call, to its bus', async () => {
    answer(() => false);
    await publisher.publish(Array.from({ length: 23 }, (_, i) => entry(i)));
    const calls = mock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(calls.flat().every((e) => e.EventBusName === 'bus')).toBe(true);
  });

  it('retries only the entries that came back failed', async () => {
    answer((e, call) => call === 1 && e.Detail!.includes('"o-1"'));
    await publisher.publish([entry(0), entry(1), entry(2)]);
    const calls = mock.commandCalls(PutEventsCommand).map((c) => (c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.Detail!).data.orderId));
    expect(calls).toEqual([['o-0', 'o-1', 'o-2'], ['o-1']]);
  });

  it('fails loudly, naming each entry, when entries keep failing', async () => {
    answer((e) => e.Detail!.includes('"o-2"'));
    const attempt = publisher.publish([entry(1), entry(2)]);
    await expect(attempt).rejects.toThrow(PublishError);
    await expect(publisher.publish([entry(2)])).rejects.toThrow('1 event(s) not published after 4 attempts: OrderStatusChanged: InternalFailure try again');
    expect(mock.commandCalls(PutEventsCommand).length).toBe(8);
  });

  it('builds a versioned entry carrying the correlation id, when it occurred to the millisecond, and an id of its own', () => {
    const before = Date.now();
    const data = { orderId: 'o', customerId: 'c', items: [{ sku: 's', quantity: 1, unitPrice: 1 }], currency: 'EUR', total: 1, placedAt: '2026-01-01T00:00:00Z' };
    const built = eventEntry(OrderPlaced, data, 'o');
    expect(built).toMatchObject({ Source: 'shop.orders', DetailType: 'OrderPlaced' });
    const metadata = JSON.parse(built.Detail!).metadata as { occurredAt: string; eventId: string };
    expect(metadata).toEqual({ version: 1, correlationId: 'o', occurredAt: expect.stringMatching(/\.\d{3}Z$/), eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((JSON.parse(eventEntry(OrderPlaced, data, 'o').Detail!) as { metadata: { eventId: string } }).metadata.eventId).not.toBe(metadata.eventId);
    expect(Date.parse(metadata.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(metadata.occurredAt)).toBeLessThanOrEqual(Date.now());
  });
});
