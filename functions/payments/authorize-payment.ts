import { PaymentAuthorized, PaymentDeclined } from '../events';
import { requireNumberEnv } from '../shared/env';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { authorize } from './provider';
import { AUTHORIZE_PAYMENT } from './subscriptions';

const { tableName, ledger } = serviceRuntime({ publishes: true });
const creditLimit = requireNumberEnv('CREDIT_LIMIT');

/** StockReserved -> the simulated provider decides -> PaymentAuthorized or PaymentDeclined. */
export const handler = sqsConsumer(AUTHORIZE_PAYMENT, async (event, log) => {
  const { orderId, customerId, total, currency } = event.data;
  const decision = authorize({ orderId, customerId, amount: total, creditLimit });
  const outcome =
    decision.outcome === 'AUTHORIZED'
      ? eventEntry(PaymentAuthorized, { orderId, customerId, amount: total, currency, authorizationId: decision.authorizationId }, orderId)
      : eventEntry(PaymentDeclined, { orderId, customerId, amount: total, currency, reason: decision.reason }, orderId);
  const result = await ledger.apply(
    event.id,
    [
      {
        Put: {
          TableName: tableName,
          Item: { pk: `ORDER#${orderId}`, sk: 'PAYMENT', orderId, customerId, amount: total, currency, ...decision, decidedAt: event.time },
          // One decision per order, whatever the event id: a re-published StockReserved never charges twice.
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
    [outcome],
  );
  log.info('payment decided', { outcome: decision.outcome, result: result.status });
});
