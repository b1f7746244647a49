import * as z from 'zod/mini';
import { defineEvent } from './contract';
import { currency, id, MAX_ORDER_LINES, money, quantity, reservedItem } from './schemas';

export const INVENTORY_SOURCE = 'shop.inventory';

/** Every item of the order was reserved in one transaction. Carries what Payments needs. */
export const StockReserved = defineEvent({
  source: INVENTORY_SOURCE,
  detailType: 'StockReserved',
  version: 1,
  schema: z.object({
    orderId: id(),
    customerId: id(),
    items: z.array(reservedItem()).check(z.minLength(1), z.maxLength(MAX_ORDER_LINES)),
    total: money(),
    currency: currency(),
  }),
});

/** The order could not be reserved: the first sku short of stock. Nothing was reserved. */
export const StockRejected = defineEvent({
  source: INVENTORY_SOURCE,
  detailType: 'StockRejected',
  version: 1,
  schema: z.object({
    orderId: id(),
    customerId: id(),
    sku: id(),
    requested: quantity(),
    available: z.number().check(z.int(), z.nonnegative()),
  }),
});

/** A reservation was given back (compensation after a declined payment). */
export const StockReleased = defineEvent({
  source: INVENTORY_SOURCE,
  detailType: 'StockReleased',
  version: 1,
  schema: z.object({
    orderId: id(),
    items: z.array(reservedItem()).check(z.minLength(1), z.maxLength(MAX_ORDER_LINES)),
  }),
});
