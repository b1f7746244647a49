import * as z from 'zod/mini';

/** Building blocks shared by several events' schemas. */
export const id = () => z.string().check(z.minLength(1), z.maxLength(128));
/** Free text (a reason, a carrier's name): bounded, so an oversized detail is refused by name. */
export const text = () => z.string().check(z.minLength(1), z.maxLength(1000));
/** Lines of one order: the same bound everywhere an order's items travel. */
export const MAX_ORDER_LINES = 25;
export const money = () => z.number().check(z.nonnegative(), z.lte(1_000_000_000));
export const currency = () => z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'));
export const timestamp = () => z.iso.datetime({ offset: true });
export const quantity = () => z.number().check(z.int(), z.positive(), z.lte(10_000));

export const lineItem = () =>
  z.object({
    sku: id(),
    quantity: quantity(),
    unitPrice: money(),
  });

export const reservedItem = () => z.object({ sku: id(), quantity: quantity() });
