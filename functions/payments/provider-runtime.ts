import { CircuitBreaker } from '../shared/circuit-breaker';
import { concurrencyLimit } from '../shared/concurrency-limit';
import { requireEnv, requireNumberEnv } from '../shared/env';
import { Waits, type BackoffPolicy } from '../shared/visibility-backoff';
import { PaymentProviderClient, ssmSettings } from './provider-client';

/**
 * The breaker's item in the service's failure table (operational records, apart from the payments
 * table's business data). SQS message ids, the table's other keys, are UUIDs: no collision.
 */
export const BREAKER_KEY = { messageId: 'circuit-breaker#payment-provider' } as const;

/**
 * What authorize-payment sets up at cold start, all from its environment (the payments stack sets
 * it): the provider's client (URL and secret from the SSM parameters named there), the breaker shared
 * by every invocation, the per-sandbox limit of provider calls, and how failed records wait.
 */
export function providerRuntime() {
  const timeoutMs = requireNumberEnv('PROVIDER_TIMEOUT_MS');
  const coolDownMs = requireNumberEnv('BREAKER_COOL_DOWN_SECONDS') * 1000;
  const settings = ssmSettings({ url: requireEnv('PROVIDER_URL_PARAMETER'), secret: requireEnv('PROVIDER_SECRET_PARAMETER') }, requireNumberEnv('PROVIDER_PARAMETERS_MAX_AGE_SECONDS'));
  const waits = new Waits();
  const policy: BackoffPolicy = { baseMs: coolDownMs, maxMs: requireNumberEnv('WAIT_MAX_SECONDS') * 1000 };
  return {
    client: new PaymentProviderClient(settings, timeoutMs),
    breaker: new CircuitBreaker({
      tableName: requireEnv('FAILURE_TABLE_NAME'),
      key: BREAKER_KEY,
      failureThreshold: requireNumberEnv('BREAKER_FAILURE_THRESHOLD'),
      coolDownMs,
      // A probe that crashed without reporting gives way to another after its call's timeout and a margin.
      probeLeaseMs: timeoutMs + 1000,
      cacheMs: 1000,
    }),
    limit: concurrencyLimit(requireNumberEnv('PROVIDER_CALLS_PER_INVOCATION')),
    waits,
    backoff: { queueUrl: requireEnv('QUEUE_URL'), waits, policy },
  };
}
