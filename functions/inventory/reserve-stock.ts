import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { StockRejected, StockReserved } from '../events';
import { dynamo } from '../shared/clients';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { quantitiesBySku, reservationKey, stockKey } from './stock';
import { RESERVE_STOCK } from './subscriptions';

const { tableName, ledger } = serviceRuntime({ publishes: true });

/**
 * OrderPlaced -> every item reserved in one TransactWriteItems whose conditions refuse overselling
 * (all or nothing) -> StockReserved; or nothing reserved -> StockRejected naming the short sku.
 */
export const handler = sqsConsumer(RESERVE_STOCK, async (event, log) => {
  const order = event.data;
  const lines = quantitiesBySku(order.items);
  const reserved = await ledger.apply(
    event.id,
    [
      ...lines.map(({ sku, quantity }) => ({
        Update: {
          TableName: tableName,
          Key: stockKey(sku),
          UpdateExpression: 'SET available = available - :q, reserved = reserved + :q',
          ConditionExpression: 'available >= :q',
          ExpressionAttributeValues: { ':q': quantity },
        },
      })),
      {
        Put: {
          TableName: tableName,
          Item: { ...reservationKey(order.orderId), orderId: order.orderId, status: 'RESERVED', items: lines, reservedAt: event.time },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
    [
      eventEntry(
        StockReserved,
        { orderId: order.orderId, customerId: order.customerId, items: lines, total: order.total, currency: order.currency },
        order.orderId,
      ),
    ],
  );
  if (reserved.status !== 'condition-failed') return;
  if (reserved.index >= lines.length) {
    log.info('order already has a reservation decision; nothing to do');
    return;
  }

  const short = lines[reserved.index]!;
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: stockKey(short.sku), ConsistentRead: true }));
  const available = typeof Item?.['available'] === 'number' ? Item['available'] : 0;
  const rejected = await ledger.apply(
    event.id,
    [
      {
        Put: {
          TableName: tableName,
          Item: { ...reservationKey(order.orderId), orderId: order.orderId, status: 'REJECTED', sku: short.sku, requested: short.quantity, available, rejectedAt: event.time },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
    [
      eventEntry(
        StockRejected,
        { orderId: order.orderId, customerId: order.customerId, sku: short.sku, requested: short.quantity, available },
        order.orderId,
      ),
    ],
  );
  log.info('stock rejected', { sku: short.sku, requested: short.quantity, available, result: rejected.status });
});
