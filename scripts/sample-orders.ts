import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { OrderPlaced, ShipmentDelivered, type EventData } from '../functions/events';
import { newTraceHeader } from '../functions/shared/trace-context';
import { eventEntry } from '../functions/shared/publisher';

type Order = EventData<typeof OrderPlaced>;

/** An order's total: the sum of its lines, to the cent. */
export const orderTotal = (items: ReadonlyArray<{ quantity: number; unitPrice: number }>): number =>
  Math.round(items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) * 100) / 100;

/** The saga path an order is built to take. */
export type SamplePath = 'delivered' | 'out-of-stock' | 'credit-limit' | 'declined-card';

/** An order built to take one path, decided only by its data (stock levels of the seed catalog, credit limit 5,000). */
export function sampleOrder(orderId: string, path: SamplePath, placedAt = new Date().toISOString()): Order {
  const line = (sku: string, quantity: number, unitPrice: number) => ({ sku, quantity, unitPrice });
  const items = {
    delivered: [line('SKU-KEYBOARD', 1, 79.9), line('SKU-CABLE', 2, 9.9)],
    'out-of-stock': [line('SKU-MOUSE', 1, 24.5), line('SKU-SOLDOUT', 1, 19)],
    'credit-limit': [line('SKU-LAPTOP', 3, 2400)],
    'declined-card': [line('SKU-HEADSET', 1, 59)],
  }[path];
  return { orderId, customerId: path === 'declined-card' ? `test-declined-${orderId}` : `cust-${orderId}`, items, currency: 'EUR', total: orderTotal(items), placedAt };
}

/** An order placed as a traced client places it: its own X-Ray trace, which every hop of its saga continues. */
export const orderEntry = (order: Order): PutEventsRequestEntry => ({ ...eventEntry(OrderPlaced, order, order.orderId), TraceHeader: newTraceHeader() });

/** An OrderPlaced that breaks its schema: every consumer must park it in its DLQ, alone. */
export function poisonEntry(orderId: string): PutEventsRequestEntry {
  return {
    Source: OrderPlaced.source,
    DetailType: OrderPlaced.detailType,
    Detail: JSON.stringify({ metadata: { version: 1, correlationId: orderId }, data: { orderId, customerId: 42, items: 'none' } }),
  };
}

/** The carrier's webhook for a shipped order, as a partner publishes it on the integration bus. */
export function deliveredEntry(orderId: string, shipmentId: string): PutEventsRequestEntry {
  return eventEntry(ShipmentDelivered, { orderId, shipmentId, deliveredAt: new Date().toISOString() }, orderId);
}
