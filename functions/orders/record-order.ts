import { OrderStatusChanged } from '../events';
import { countMetric } from '../shared/metrics';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { orderKey, STATUS_RANK } from './order-status';
import { RECORD_ORDER } from './subscriptions';

const { store } = serviceRuntime();

/**
 * OrderPlaced -> the order is recorded as PLACED, publishing OrderStatusChanged. OrdersPlaced counts
 * each order once: at its record, or at the filling in of an order a later event created first.
 */
export const handler = sqsConsumer(RECORD_ORDER, async (event, log) => {
  const order = event.data;
  const details = { customerId: order.customerId, items: order.items, currency: order.currency, total: order.total, placedAt: order.placedAt };
  const recorded = await store.write(
    store.put(
      { ...orderKey(order.orderId), ...details, orderId: order.orderId, status: 'PLACED', statusRank: STATUS_RANK.PLACED, updatedAt: event.time },
      {
        condition: 'attribute_not_exists(pk)',
        // The order exists: another copy recorded it, or a later status event overtook this one (below).
        refusal: 'other',
        publish: [eventEntry(OrderStatusChanged, { orderId: order.orderId, customerId: order.customerId, from: null, to: 'PLACED' }, order.orderId)],
      },
    ),
  );
  if (recorded.status === 'written') {
    countMetric('OrdersPlaced');
    return;
  }

  // The order exists already: a later status event overtook OrderPlaced, or another copy recorded it.
  // Fill in the details without touching the status, which has already moved on.
  const filled = await store.write(store.update(orderKey(order.orderId), { set: details, condition: 'attribute_not_exists(#customerId)', publish: [] }));
  if (filled.status === 'written') countMetric('OrdersPlaced');
  log.info(filled.status === 'written' ? 'order details added to an order already in progress' : 'order already recorded');
});
