import { isCustomerVisible, type CustomerVisibleStatus } from '../events';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { SEND_NOTIFICATION } from './subscriptions';

const { store } = serviceRuntime();

/** The message of each customer-visible status (`CUSTOMER_VISIBLE_STATUSES`); one per status, checked by the compiler. */
export const CUSTOMER_MESSAGES: Record<CustomerVisibleStatus, string> = {
  PLACED: 'We received your order.',
  PAID: 'Your payment was accepted.',
  SHIPPED: 'Your order is on its way.',
  DELIVERED: 'Your order was delivered.',
  CANCELLED: 'Your order was cancelled.',
};

/**
 * OrderStatusChanged -> one notification per customer-visible change, written to the outbox table
 * that stands in for an email service. Keyed by order and status, so a change is notified once.
 */
export const handler = sqsConsumer(SEND_NOTIFICATION, async (event, log) => {
  const { orderId, customerId, to, reason } = event.data;
  if (!isCustomerVisible(to)) {
    log.info('status not customer-visible; no notification', { status: to });
    return;
  }
  const message = CUSTOMER_MESSAGES[to];
  const result = await store.write(
    store.put(
      {
        pk: `ORDER#${orderId}`,
        sk: `NOTIFICATION#${to}`,
        orderId,
        customerId,
        status: to,
        channel: 'email',
        message: reason === undefined ? message : `${message} Reason: ${reason}`,
        createdAt: event.time,
        // Sparse index: a customer's notifications, newest last.
        ...(customerId === undefined ? {} : { customerKey: `CUSTOMER#${customerId}` }),
      },
      { condition: 'attribute_not_exists(pk)', publish: [] },
    ),
  );
  log.info('notification', { status: to, result: result.status });
});
