import type { OrderStatus } from '../events/orders';

/**
 * Where each status sits in the lifecycle. An order only moves to a higher rank, so a late or
 * duplicated event never moves it backwards. DELIVERED and CANCELLED share the top rank: both final.
 */
export const STATUS_RANK: Record<OrderStatus, number> = {
  PLACED: 1,
  RESERVED: 2,
  PAID: 3,
  SHIPPED: 4,
  DELIVERED: 5,
  CANCELLED: 5,
};

export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
