import { OrderPlaced, PaymentDeclined, subscribe } from '../events';

/** reserve-stock: every placed order. */
export const RESERVE_STOCK = subscribe([OrderPlaced]);

/** release-stock: the compensation of a declined payment. */
export const RELEASE_STOCK = subscribe([PaymentDeclined]);
