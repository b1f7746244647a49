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

/** The statuses of the forward path, in order (CANCELLED leaves it). */
const FORWARD: readonly OrderStatus[] = ['PLACED', 'RESERVED', 'PAID', 'SHIPPED', 'DELIVERED'];

/**
 * The statuses an order reaches by moving from `fromRank` to `target`: the target, and on the forward
 * path the statuses it skipped (an event overtaken by a later one: SHIPPED before PAID still means paid),
 * so each OrdersX metric counts each order that got there once. PLACED is counted where the order is
 * recorded (record-order), never here.
 */
export function statusesReached(fromRank: number, target: OrderStatus): OrderStatus[] {
  if (target === 'CANCELLED') return ['CANCELLED'];
  return FORWARD.filter((status) => status !== 'PLACED' && STATUS_RANK[status] > fromRank && STATUS_RANK[status] <= STATUS_RANK[target]);
}
