import { OrderPlaced, PaymentAuthorized, PaymentDeclined, ShipmentDelivered, ShipmentScheduled, StockRejected, StockReserved, subscribe } from '../events';

/** record-order: every placed order. */
export const RECORD_ORDER = subscribe([OrderPlaced]);

/** update-order-status: the events that move an order's status, one case each in `targetStatus`. */
export const UPDATE_ORDER_STATUS = subscribe([StockReserved, StockRejected, PaymentAuthorized, PaymentDeclined, ShipmentScheduled, ShipmentDelivered]);
