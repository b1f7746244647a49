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

/** The statuses a customer is told about; RESERVED is internal. */
export const CUSTOMER_VISIBLE_STATUSES: readonly OrderStatus[] = ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

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
