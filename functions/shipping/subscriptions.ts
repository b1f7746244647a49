import { PaymentAuthorized, subscribe } from '../events';

/** schedule-shipment: every paid order. */
export const SCHEDULE_SHIPMENT = subscribe([PaymentAuthorized]);
