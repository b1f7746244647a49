import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { StockRejected, StockReserved } from '../events';
import { dynamo } from '../shared/clients';
import { countMetric } from '../shared/metrics';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { quantitiesBySku, reservationKey, stockKey } from './stock';
import { RESERVE_STOCK } from './subscriptions';

const { tableName, store } = serviceRuntime();

/**
 * OrderPlaced -> every item reserved in one transaction whose conditions refuse overselling (all or
 * nothing), with the order's reservation publishing StockReserved; or nothing reserved and a REJECTED
 * reservation publishing StockRejected naming the short sku. One reservation per order: a second copy
 * of the event finds it and does nothing.
 */
export const handler = sqsConsumer(RESERVE_STOCK, async (event, log) => {
  const order = event.data;
  const lines = quantitiesBySku(order.items);
  const reservation = { ...reservationKey(order.orderId), orderId: order.orderId };
  const reserved = await store.write(
    ...lines.map(({ sku, quantity }) => store.adjust(stockKey(sku), { add: { available: -quantity, reserved: quantity }, atLeast: { available: quantity } })),
    store.put(
      { ...reservation, status: 'RESERVED', items: lines, reservedAt: event.time },
      {
        condition: 'attribute_not_exists(pk)',
        publish: [eventEntry(StockReserved, { orderId: order.orderId, customerId: order.customerId, items: lines, total: order.total, currency: order.currency }, order.orderId)],
      },
    ),
  );
  if (reserved.status === 'written') return;
  if (reserved.index >= lines.length) {
    log.info('order already has a reservation decision; nothing to do');
    return;
  }

  const short = lines[reserved.index]!;
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: stockKey(short.sku), ConsistentRead: true }));
  const available = typeof Item?.['available'] === 'number' ? Item['available'] : 0;
  const rejected = await store.write(
    store.put(
      { ...reservation, status: 'REJECTED', sku: short.sku, requested: short.quantity, available, rejectedAt: event.time },
      {
        condition: 'attribute_not_exists(pk)',
        publish: [eventEntry(StockRejected, { orderId: order.orderId, customerId: order.customerId, sku: short.sku, requested: short.quantity, available }, order.orderId)],
      },
    ),
  );
  if (rejected.status === 'written') countMetric('StockRejections');
  log.info('stock rejected', { sku: short.sku, requested: short.quantity, available, result: rejected.status });
});
