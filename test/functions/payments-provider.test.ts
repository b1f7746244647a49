import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { StockReserved, type CatalogEvent } from '../../functions/events';
import { BREAKER_KEY } from '../../functions/payments/provider-runtime';
import { CircuitBreaker } from '../../functions/shared/circuit-breaker';
import { concurrencyLimit } from '../../functions/shared/concurrency-limit';
import { waitSeconds } from '../../functions/shared/visibility-backoff';
import { catalogEvent, loadTestEvent } from '../support/events';
import { captureEvents, failedIds, invoke, loadHandler, publishOutboxesOf } from '../support/handlers';
import { stubProviderForHandler } from '../support/payment-provider';
import { createFailureTable, createServiceTable, getItem, testDynamo } from '../support/tables';

describe('circuit breaker (shared through DynamoDB)', () => {
  let table: string;
  let now = 1_000_000;
  beforeAll(async () => {
    table = await createFailureTable('breaker');
  });
  // Each instance is one sandbox: its own cache, the same item.
  const sandbox = (key: string) => new CircuitBreaker({ tableName: table, key: { messageId: key }, failureThreshold: 3, coolDownMs: 30_000, probeLeaseMs: 3000, cacheMs: 0, client: testDynamo, now: () => now });

  it('opens after the threshold of consecutive failures across sandboxes, once, and refuses calls for the cool-down', async () => {
    const sandboxes = [sandbox('b-open'), sandbox('b-open'), sandbox('b-open')];
    await Promise.all([...sandboxes, sandbox('b-open')].map(async (b) => b.failed(await b.permit())));
    expect(await sandboxes[0]!.state()).toMatchObject({ state: 'open', opened: 1, openUntil: now + 30_000 });
    now += 10_000;
    expect(await sandboxes[1]!.permit()).toEqual({ allowed: false, retryAfterMs: 20_000, state: 'open' });
  });

  it('lets exactly one probe through after the cool-down; its success closes the breaker', async () => {
    const sandboxes = Array.from({ length: 5 }, () => sandbox('b-probe'));
    for (let i = 0; i < 3; i++) await sandboxes[0]!.failed(await sandboxes[0]!.permit());
    now += 30_000;
    const permits = await Promise.all(sandboxes.map((b) => b.permit()));
    const probes = permits.filter((p) => p.allowed);
    expect(probes).toEqual([{ allowed: true, probe: true }]);
    expect(permits.filter((p) => !p.allowed).map((p) => !p.allowed && p.state)).toEqual(['half-open', 'half-open', 'half-open', 'half-open']);
    const prober = sandboxes[permits.findIndex((p) => p.allowed)]!;
    await prober.succeeded(probes[0]!);
    expect(await sandboxes[0]!.state()).toMatchObject({ state: 'closed', failures: 0, opened: 1, closed: 1 });
    expect(await sandboxes[1]!.permit()).toEqual({ allowed: true, probe: false });
  });

  it('reopens for another cool-down when the probe fails, and a lapsed probe claim lets another probe go', async () => {
    const b = sandbox('b-reopen');
    for (let i = 0; i < 3; i++) await b.failed(await b.permit());
    now += 30_000;
    const probe = await b.permit();
    await b.failed(probe);
    expect(await b.state()).toMatchObject({ state: 'open', opened: 2, openUntil: now + 30_000 });
    now += 30_000;
    expect(await b.permit()).toEqual({ allowed: true, probe: true });
    // That probe's sandbox died without reporting: after the claim lapses another one probes.
    now += 3000;
    expect(await sandbox('b-reopen').permit()).toEqual({ allowed: true, probe: true });
  });

  it('counts only consecutive failures: a success clears the count', async () => {
    const b = sandbox('b-reset');
    await b.failed(await b.permit());
    await b.failed(await b.permit());
    await b.succeeded(await b.permit());
    await b.failed(await b.permit());
    await b.failed(await b.permit());
    expect(await b.state()).toMatchObject({ state: 'closed', failures: 2, opened: 0 });
  });
});

describe('waiting in the queue', () => {
  const policy = { baseMs: 30_000, maxMs: 600_000 };
  it('backs off an unavailable dependency from the cool-down, doubling per receive up to the maximum', () => {
    const seconds = [1, 2, 3, 4, 5, 6, 30].map((receives) => waitSeconds('unavailable', 0, receives, policy, () => 0));
    expect(seconds).toEqual([30, 60, 120, 240, 480, 600, 600]);
    // The outage budget of the README: 30 receives wait 930 s + 25 x 600 s before the DLQ.
    expect(Array.from({ length: 30 }, (_, i) => waitSeconds('unavailable', 0, i + 1, policy, () => 0)).reduce((a, b) => a + b, 0)).toBe(15_930);
  });

  it('waits at least what the breaker says, with jitter, and a throttled call only its Retry-After', () => {
    expect(waitSeconds('unavailable', 45_000, 1, policy, () => 0)).toBe(45);
    expect(waitSeconds('unavailable', 0, 1, policy, () => 0.999)).toBe(33);
    expect(waitSeconds('throttled', 1000, 9, policy, () => 0)).toBe(1);
  });

  it('limits the calls of one sandbox to the given number at once', async () => {
    const limit = concurrencyLimit(3);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limit(async () => {
          most = Math.max(most, ++running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
        }),
      ),
    );
    expect(most).toBe(3);
  });
});

describe('payments/authorize-payment against an unavailable provider', () => {
  const events = captureEvents();
  const sqs = mockClient(SQSClient);
  let provider: Awaited<ReturnType<typeof stubProviderForHandler>>;
  let authorize: ReturnType<typeof loadHandler>;
  let failures: string;
  let payments: string;

  beforeAll(async () => {
    payments = await createServiceTable('payments');
    failures = await createFailureTable('payments');
    publishOutboxesOf(payments);
    provider = await stubProviderForHandler({ latencyMs: 30, maxConcurrent: 5 });
    authorize = loadHandler('payments/authorize-payment', provider.env({ payments, failures }, { PROVIDER_TIMEOUT_MS: '500' }));
  });
  afterAll(() => provider.stop());
  beforeEach(() => {
    events.reset();
    sqs.reset();
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  // As the outbox relay publishes them: the producer's event id in the metadata, not EventBridge's.
  const reserved = (orderId: string) => {
    const base = loadTestEvent<CatalogEvent<typeof StockReserved>>('shop.inventory/stock-reserved.json').detail.data;
    const event = catalogEvent(StockReserved, { ...base, orderId });
    return { ...event, detail: { ...event.detail, metadata: { ...event.detail.metadata, eventId: `producer-${orderId}` } } };
  };
  const breakerItem = async () => (await testDynamo.send(new GetCommand({ TableName: failures, Key: BREAKER_KEY, ConsistentRead: true }))).Item;
  const visibilities = () => sqs.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []).map((e) => e.VisibilityTimeout);

  it('keeps a batch within the rate limit: at most 5 calls at once from one invocation', async () => {
    const response = await invoke(authorize, ...Array.from({ length: 10 }, (_, i) => reserved(`rl-${i}`)));
    expect(failedIds(response)).toEqual([]);
    expect(provider.provider.stats).toMatchObject({ throttled: 0, maxInFlight: 5 });
  });

  it('opens the breaker after 5 failures; then fails records without calling, each waiting out the cool-down in the queue', async () => {
    provider.provider.configure({ outage: true });
    const first = await invoke(authorize, ...Array.from({ length: 5 }, (_, i) => reserved(`out-${i}`)));
    expect(failedIds(first)).toHaveLength(5);
    expect(await breakerItem()).toMatchObject({ state: 'open', opened: 1 });
    const requestsWhileOpen = provider.provider.stats.requests;

    const second = await invoke(authorize, reserved('out-5'), reserved('out-6'));
    expect(failedIds(second)).toHaveLength(2);
    expect(provider.provider.stats.requests).toBe(requestsWhileOpen);
    // First receives: the failed calls wait the cool-down (30 s, + jitter); the refused ones what is left of it.
    for (const seconds of visibilities()) expect(seconds).toBeGreaterThanOrEqual(29);
    expect(visibilities()).toHaveLength(7);
    expect(events.published).toEqual([]);
  });

  it('closes the breaker with the probe once the cool-down is over and the provider is back', async () => {
    provider.provider.configure({ outage: false });
    // The cool-down has passed: as the breaker stands when it ends.
    await testDynamo.send(new PutCommand({ TableName: failures, Item: { ...BREAKER_KEY, state: 'open', failures: 0, openUntil: Date.now() - 1, probeUntil: 0, opened: 1, closed: 0 } }));
    const response = await invoke(authorize, reserved('out-0'));
    expect(failedIds(response)).toEqual([]);
    expect(await breakerItem()).toMatchObject({ state: 'closed', closed: 1 });
    expect(await getItem(payments, 'ORDER#out-0', 'PAYMENT')).toMatchObject({ outcome: 'AUTHORIZED' });
    expect(visibilities()).toEqual([]);
  });
});
