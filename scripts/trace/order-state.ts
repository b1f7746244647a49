import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { orderKey } from '../../functions/orders/order-status';
import type { ShopClient } from '../shop-client';
import type { TraceTree } from './trace-tree';

/**
 * The order's item in the Orders table now: its status and why it was cancelled; null when there is
 * none; undefined when the table cannot be read (the trace still shows what it has).
 */
export async function readOrderState(shop: ShopClient, orderId: string): Promise<TraceTree['order']> {
  try {
    const { Item } = await shop.dynamo.send(new GetCommand({ TableName: shop.table('Orders'), Key: orderKey(orderId), ConsistentRead: true }));
    if (Item === undefined) return null;
    return { status: String(Item['status']), ...(typeof Item['cancelReason'] === 'string' ? { cancelReason: Item['cancelReason'] } : {}) };
  } catch {
    return undefined;
  }
}
