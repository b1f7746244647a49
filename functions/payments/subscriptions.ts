import { StockReserved, subscribe } from '../events';

/** authorize-payment: every order whose stock is reserved. */
export const AUTHORIZE_PAYMENT = subscribe([StockReserved]);
