import { OrderStatusChanged } from '../events';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { orderKey, STATUS_RANK } from './order-status';
import { RECORD_ORDER } from './subscriptions';

const { tableName, ledger } = serviceRuntime({ publishes: true });

/** OrderPlaced -> the order is recorded as PLACED and OrderStatusChanged is published. */
export const handler = sqsConsumer(RECORD_ORDER, async (event, log) => {
  const order = event.data;
  const details = { customerId: order.customerId, items: order.items, currency: order.currency, total: order.total, placedAt: order.placedAt };
  const recorded = await ledger.apply(
    event.id,
    [
      {
        Put: {
          TableName: tableName,
          Item: { ...orderKey(order.orderId), ...details, orderId: order.orderId, status: 'PLACED', statusRank: STATUS_RANK.PLACED, updatedAt: event.time },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
    [eventEntry(OrderStatusChanged, { orderId: order.orderId, customerId: order.customerId, from: null, to: 'PLACED' }, order.orderId)],
  );
  if (recorded.status !== 'condition-failed') return;

  // The order exists already: a later status event overtook OrderPlaced, or another copy recorded it.
  // Fill in the details without touching the status, which has already moved on.
  const filled = await ledger.apply(event.id, [
    {
      Update: {
        TableName: tableName,
        Key: orderKey(order.orderId),
        UpdateExpression: `SET ${Object.keys(details).map((name) => `#${name} = :${name}`).join(', ')}`,
        ConditionExpression: 'attribute_not_exists(#customerId)',
        ExpressionAttributeNames: Object.fromEntries(Object.keys(details).map((name) => [`#${name}`, name])),
        ExpressionAttributeValues: Object.fromEntries(Object.entries(details).map(([name, value]) => [`:${name}`, value])),
      },
    },
  ]);
  log.info(filled.status === 'applied' ? 'order details added to an order already in progress' : 'order already recorded');
});
