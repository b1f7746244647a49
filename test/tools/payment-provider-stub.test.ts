import { PaymentProviderClient, ProviderRejectedError, ProviderThrottledError, ProviderUnavailableError, type SettingsSource } from '../../functions/payments/provider-client';
import { StubPaymentProvider } from '../../scripts/payment-provider/stub-server';

/** The stub provider's HTTP API as any client meets it, and the handler's client against it. */
let stub: StubPaymentProvider;
beforeEach(async () => {
  stub = await StubPaymentProvider.start({ latencyMs: 0, secret: 'test-secret' });
});
afterEach(() => stub.stop());

const authorization = (orderId: string, overrides: Partial<{ customerId: string; amount: number }> = {}) => ({ orderId, customerId: 'cust-1', amount: 100, currency: 'EUR', ...overrides });

async function post(body: unknown, secret = 'test-secret') {
  const response = await fetch(`${stub.url}/authorizations`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, retryAfter: response.headers.get('retry-after') };
}

function settingsOf(provider: StubPaymentProvider): SettingsSource & { refreshed: number } {
  return {
    refreshed: 0,
    get: async () => ({ url: provider.url, secret: provider.secret }),
    refresh() {
      this.refreshed++;
    },
  };
}

describe('stub payment provider', () => {
  it('decides by the data: authorized, a test card declined, a total over the credit limit declined', async () => {
    expect(await post(authorization('o-1'))).toMatchObject({ status: 200, body: { orderId: 'o-1', status: 'authorized', authorizationId: 'AUTH-o-1' } });
    expect((await post(authorization('o-2', { customerId: 'test-declined-9' }))).body).toMatchObject({ status: 'declined', reason: 'CARD_DECLINED' });
    expect((await post(authorization('o-3', { amount: 5000.01 }))).body).toMatchObject({ status: 'declined', reason: 'CREDIT_LIMIT_EXCEEDED' });
    expect(stub.stats).toMatchObject({ requests: 3, authorized: 1, declined: 2 });
  });

  it('is idempotent per order: the same answer again, and another amount for the same order refused', async () => {
    await post(authorization('o-idem'));
    stub.configure({ creditLimit: 1 });
    expect((await post(authorization('o-idem'))).body).toEqual({ orderId: 'o-idem', status: 'authorized', authorizationId: 'AUTH-o-idem', replayed: true });
    expect((await post(authorization('o-idem', { amount: 200 }))).status).toBe(409);
    expect(stub.stats).toMatchObject({ authorized: 1, replayed: 1 });
  });

  it('refuses a wrong or missing secret, and a malformed request', async () => {
    expect((await post(authorization('o-secret'), 'wrong')).status).toBe(401);
    expect((await post({ orderId: 'o-bad' })).status).toBe(400);
    expect(stub.stats.unauthorized).toBe(1);
  });

  it('answers 503 during an outage, switched over its control route as another process would', async () => {
    const control = async (body: unknown) => (await fetch(`${stub.url}/_control`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<{ behaviour: { outage: boolean } }>;
    expect((await control({ outage: true })).behaviour.outage).toBe(true);
    expect((await post(authorization('o-down'))).status).toBe(503);
    expect((await control({ outage: false })).behaviour.outage).toBe(false);
    expect((await post(authorization('o-down'))).status).toBe(200);
    expect((await fetch(`${stub.url}/_control`, { method: 'POST', body: JSON.stringify({ failureRate: 2 }) })).status).toBe(400);
  });

  it('injects 500s at the configured rate, the same ones for the same seed', async () => {
    const run = async (seed: number) => {
      const provider = await StubPaymentProvider.start({ latencyMs: 0, failureRate: 0.3, seed });
      const client = new PaymentProviderClient(settingsOf(provider), 1000);
      const outcomes = [];
      for (let i = 0; i < 40; i++) outcomes.push(await client.authorize(authorization(`o-${i}`)).then(() => 'ok', () => 'failed'));
      await provider.stop();
      return outcomes;
    };
    const first = await run(7);
    expect(first.filter((o) => o === 'failed').length).toBeGreaterThan(4);
    expect(first.filter((o) => o === 'failed').length).toBeLessThan(24);
    expect(await run(7)).toEqual(first);
  });

  it('serves at most maxConcurrent requests at once; one more is answered 429 with Retry-After', async () => {
    stub.configure({ maxConcurrent: 4, latencyMs: 200 });
    const answers = await Promise.all(Array.from({ length: 7 }, (_, i) => post(authorization(`o-c${i}`))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 429).map((a) => a.retryAfter)).toEqual(['1', '1', '1']);
    expect(stub.stats).toMatchObject({ maxInFlight: 4, throttled: 3 });
  });

  it('takes an outage for a given time and comes back on its own', async () => {
    stub.outageFor(150);
    expect((await post(authorization('o-timed'))).status).toBe(503);
    const back = Date.now() + 5000;
    while (stub.current.outage && Date.now() < back) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await post(authorization('o-timed'))).status).toBe(200);
  });
});

describe('payment provider client', () => {
  it('maps the answers: a decision, 503 unavailable, 429 throttled with its wait, 4xx rejected', async () => {
    const client = new PaymentProviderClient(settingsOf(stub), 1000);
    expect(await client.authorize(authorization('c-1'))).toEqual({ outcome: 'AUTHORIZED', authorizationId: 'AUTH-c-1' });
    expect(await client.authorize(authorization('c-2', { customerId: 'test-declined-1' }))).toEqual({ outcome: 'DECLINED', reason: 'CARD_DECLINED' });
    await expect(client.authorize(authorization('c-1', { amount: 1 }))).rejects.toBeInstanceOf(ProviderRejectedError);
    stub.configure({ outage: true });
    await expect(client.authorize(authorization('c-3'))).rejects.toThrow(ProviderUnavailableError);
    stub.configure({ outage: false, maxConcurrent: 1, latencyMs: 300 });
    const results = await Promise.allSettled([client.authorize(authorization('c-4')), client.authorize(authorization('c-5'))]);
    const throttled = results.find((r) => r.status === 'rejected');
    expect(throttled?.status === 'rejected' && throttled.reason).toBeInstanceOf(ProviderThrottledError);
    expect(throttled?.status === 'rejected' && (throttled.reason as ProviderThrottledError).retryAfterMs).toBe(1000);
  });

  it('gives up after its timeout instead of waiting for a slow provider', async () => {
    stub.configure({ latencyMs: 1500 });
    const client = new PaymentProviderClient(settingsOf(stub), 100);
    const started = Date.now();
    await expect(client.authorize(authorization('c-slow'))).rejects.toThrow(/no answer within 100 ms/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reads the secret again after a 401 (it may have been rotated), and counts an unreachable provider as unavailable', async () => {
    const settings = { ...settingsOf(stub), get: async () => ({ url: stub.url, secret: 'old-secret' }) };
    const client = new PaymentProviderClient(settings, 1000);
    await expect(client.authorize(authorization('c-401'))).rejects.toThrow(/refused our secret \(401\)/);
    expect(settings.refreshed).toBe(1);
    const url = stub.url;
    await stub.stop();
    const gone = new PaymentProviderClient({ get: async () => ({ url, secret: 'x' }), refresh: () => undefined }, 1000);
    await expect(gone.authorize(authorization('c-gone'))).rejects.toThrow(/unreachable: ECONNREFUSED/);
    stub = await StubPaymentProvider.start();
  });
});
