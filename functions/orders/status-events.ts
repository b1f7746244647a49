import { PaymentAuthorized, PaymentDeclined, ShipmentDelivered, ShipmentScheduled, StockRejected, StockReserved } from '../events';

/** The events that move an order's status; shared by the handler and the rule that feeds it. */
export const STATUS_EVENTS = [StockReserved, StockRejected, PaymentAuthorized, PaymentDeclined, ShipmentScheduled, ShipmentDelivered] as const;
