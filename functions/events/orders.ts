import * as z from 'zod/mini';
import { defineEvent } from './contract';
import { currency, id, lineItem, MAX_ORDER_LINES, money, text, timestamp } from './schemas';

export const ORDERS_SOURCE = 'shop.orders';

/** A customer placed an order. The saga starts here. */
export const OrderPlaced = defineEvent({
  source: ORDERS_SOURCE,
  detailType: 'OrderPlaced',
  version: 1,
  schema: z.object({
    orderId: id(),
    customerId: id(),
    items: z.array(lineItem()).check(z.minLength(1), z.maxLength(MAX_ORDER_LINES)),
    currency: currency(),
    total: money(),
    placedAt: timestamp(),
  }),
});

/** The order lifecycle, in the order it moves. CANCELLED and DELIVERED are final. */
export const ORDER_STATUSES = ['PLACED', 'RESERVED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The statuses a customer is told about, defined here only: the notification rule's filter and the
 * notification handler's messages (a `Record` over this type, so a status without a message fails to
 * compile) both come from it. RESERVED is internal.
 */
export const CUSTOMER_VISIBLE_STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const satisfies readonly OrderStatus[];
export type CustomerVisibleStatus = (typeof CUSTOMER_VISIBLE_STATUSES)[number];

export function isCustomerVisible(status: OrderStatus): status is CustomerVisibleStatus {
  return (CUSTOMER_VISIBLE_STATUSES as readonly OrderStatus[]).includes(status);
}

/** Orders changed an order's status; the source of customer notifications. */
export const OrderStatusChanged = defineEvent({
  source: ORDERS_SOURCE,
  detailType: 'OrderStatusChanged',
  version: 1,
  schema: z.object({
    orderId: id(),
    customerId: z.optional(id()),
    from: z.nullable(z.enum(ORDER_STATUSES)),
    to: z.enum(ORDER_STATUSES),
    reason: z.optional(text()),
  }),
});
