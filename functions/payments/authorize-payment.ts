import { PaymentAuthorized, PaymentDeclined } from '../events';
import { requireNumberEnv } from '../shared/env';
import { countMetric } from '../shared/metrics';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { authorize } from './provider';
import { AUTHORIZE_PAYMENT } from './subscriptions';

const { store } = serviceRuntime();
const creditLimit = requireNumberEnv('CREDIT_LIMIT');

/** StockReserved -> the simulated provider decides -> the payment, publishing PaymentAuthorized or PaymentDeclined. */
export const handler = sqsConsumer(AUTHORIZE_PAYMENT, async (event, log) => {
  const { orderId, customerId, total, currency } = event.data;
  const decision = authorize({ orderId, customerId, amount: total, creditLimit });
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
