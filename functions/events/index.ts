/** The event catalog: every event of the shop, defined once. */
export * from './contract';
export * from './subscription';
export * from './orders';
export * from './inventory';
export * from './payments';
export * from './shipping';
export * from './carrier';

import { OrderPlaced, OrderStatusChanged } from './orders';
import { StockRejected, StockReleased, StockReserved } from './inventory';
import { PaymentAuthorized, PaymentDeclined } from './payments';
import { ShipmentScheduled } from './shipping';
import { ShipmentDelivered } from './carrier';

/** Every contract, for the README table, the audit consumer and the contract tests. */
export const CATALOG = [
  OrderPlaced,
  OrderStatusChanged,
  StockReserved,
  StockRejected,
  StockReleased,
  PaymentAuthorized,
  PaymentDeclined,
  ShipmentScheduled,
  ShipmentDelivered,
] as const;
