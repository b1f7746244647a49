import type { OrderStatus } from '../events/orders';

/**
 * The names of the metrics the handlers emit (embedded metric format) and the dashboard and alarms
 * read: one list, so infra and functions cannot drift apart. Every metric carries the dimension
 * `service` (the hop that emitted it, Powertools' default from POWERTOOLS_SERVICE_NAME); only
 * cancellations add `reason`. Keeping dimensions few keeps the custom metrics (and their bill) few.
 */
export const METRIC = {
  /** Orders that reached each status, counted once per order where the order's write succeeded. */
  ordersPlaced: 'OrdersPlaced',
  ordersReserved: 'OrdersReserved',
  ordersPaid: 'OrdersPaid',
  ordersShipped: 'OrdersShipped',
  ordersDelivered: 'OrdersDelivered',
  /** With the dimension `reason` (CANCEL_REASONS). */
  ordersCancelled: 'OrdersCancelled',
  /** Payment decisions written as declined (payments). */
  paymentDeclines: 'PaymentDeclines',
  /** Reservations written as rejected for want of stock (inventory). */
  stockRejections: 'StockRejections',
  /** From the order's `placedAt` to the event that made it final (milliseconds). */
  timeToDelivery: 'TimeToDelivery',
  timeToCancellation: 'TimeToCancellation',
  /** Records a hop failed (each failed receive; they return to the queue, then reach the DLQ). */
  recordsFailed: 'RecordsFailed',
  /** Records that changed nothing because their effect was already in place (a copy of an event, a stale one). */
  duplicatesSkipped: 'DuplicatesSkipped',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The metric counting orders that reached a status. */
export const STATUS_METRIC: Record<OrderStatus, MetricName> = {
  PLACED: METRIC.ordersPlaced,
  RESERVED: METRIC.ordersReserved,
  PAID: METRIC.ordersPaid,
  SHIPPED: METRIC.ordersShipped,
  DELIVERED: METRIC.ordersDelivered,
  CANCELLED: METRIC.ordersCancelled,
};

/** The `reason` dimension of OrdersCancelled: the code before the colon of an order's cancelReason. */
export const CANCEL_REASONS = ['OUT_OF_STOCK', 'PAYMENT_DECLINED'] as const;

/** A cancellation's reason code: `PAYMENT_DECLINED: CARD_DECLINED` -> `PAYMENT_DECLINED`. */
export function cancelReasonCode(reason: string | undefined): string {
  const code = reason?.split(':')[0]?.trim();
  return code === undefined || code === '' ? 'UNKNOWN' : code;
}

/** The metrics namespace of a stage: each stage's metrics (and alarms on them) stay apart. */
export function metricsNamespace(stage: string): string {
  return `ShopPipeline/${stage}`;
}
