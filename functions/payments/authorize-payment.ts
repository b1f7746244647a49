import { PaymentAuthorized, PaymentDeclined } from '../events';
import { countMetric } from '../shared/metrics';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { withVisibilityBackoff } from '../shared/visibility-backoff';
import { ProviderRejectedError, ProviderThrottledError, ProviderUnavailableError } from './provider-client';
import { providerRuntime } from './provider-runtime';
import { AUTHORIZE_PAYMENT } from './subscriptions';

const { store } = serviceRuntime();
const provider = providerRuntime();

/**
 * StockReserved -> the payment provider (an external HTTP API, behind the shared circuit breaker and
 * within its rate limit) decides -> the payment, publishing PaymentAuthorized or PaymentDeclined.
 * While the provider is down or throttling, the record fails and waits in the queue (its visibility
 * set to the wait by withVisibilityBackoff) instead of reaching the DLQ.
 */
const consumer = sqsConsumer(AUTHORIZE_PAYMENT, async (event, log) => {
  const { orderId, customerId, total, currency } = event.data;
  // The breaker is asked inside the call's slot of the rate limit, so a probe's claim never lapses
  // while it waits for a slot.
  const decision = await provider.limit(async () => {
    const permit = await provider.breaker.permit();
    if (!permit.allowed) {
      provider.waits.wait(event.id, 'unavailable', permit.retryAfterMs);
      throw new ProviderUnavailableError(`circuit ${permit.state}: the payment provider is not called for ${Math.ceil(permit.retryAfterMs / 1000)} s`);
    }
    try {
      const answer = await provider.client.authorize({ orderId, customerId, amount: total, currency });
      await provider.breaker.succeeded(permit);
      if (permit.probe) log.info('payment provider answered the probe: circuit closed');
      return answer;
    } catch (error) {
      if (error instanceof ProviderThrottledError) provider.waits.wait(event.id, 'throttled', error.retryAfterMs);
      if (error instanceof ProviderUnavailableError) {
        provider.waits.wait(event.id, 'unavailable', 0);
        await provider.breaker.failed(permit);
      }
      // A refusal is still an answer: the provider is up (our request is wrong, the record fails on its own).
      if (error instanceof ProviderRejectedError) await provider.breaker.succeeded(permit);
      throw error;
    }
  });
  const outcome =
    decision.outcome === 'AUTHORIZED'
      ? eventEntry(PaymentAuthorized, { orderId, customerId, amount: total, currency, authorizationId: decision.authorizationId }, orderId)
      : eventEntry(PaymentDeclined, { orderId, customerId, amount: total, currency, reason: decision.reason }, orderId);
  const result = await store.write(
    store.put(
      { pk: `ORDER#${orderId}`, sk: 'PAYMENT', orderId, customerId, amount: total, currency, ...decision, decidedAt: event.time },
      // One decision per order, whatever the event id: a re-published StockReserved never charges twice.
      { condition: 'attribute_not_exists(pk)', publish: [outcome] },
    ),
  );
  if (result.status === 'written' && decision.outcome === 'DECLINED') countMetric('PaymentDeclines');
  log.info('payment decided', { outcome: decision.outcome, result: result.status });
});

export const handler = withVisibilityBackoff(consumer, provider.backoff);
