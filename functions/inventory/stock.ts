/** Keys of the inventory table: one STOCK item per sku, one RESERVATION item per order. */
export const stockKey = (sku: string) => ({ pk: `SKU#${sku}`, sk: 'STOCK' });
export const reservationKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'RESERVATION' });

/**
 * Sums quantities per sku: one transaction may not touch the same item twice, and an order may list
 * a sku on two lines. Sorted by sku so concurrent transactions touch items in the same order.
 */
export function quantitiesBySku(items: ReadonlyArray<{ sku: string; quantity: number }>): Array<{ sku: string; quantity: number }> {
  const totals = new Map<string, number>();
  for (const item of items) totals.set(item.sku, (totals.get(item.sku) ?? 0) + item.quantity);
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}
