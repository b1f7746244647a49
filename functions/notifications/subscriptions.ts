import { CUSTOMER_VISIBLE_STATUSES, OrderStatusChanged, subscribe } from '../events';

/**
 * send-notification: status changes a customer hears about. Internal statuses are filtered by the
 * rule, never paid for as invocations; one delivered anyway (a replay, a message sent by hand) is skipped.
 */
export const SEND_NOTIFICATION = subscribe([OrderStatusChanged], { filter: { to: CUSTOMER_VISIBLE_STATUSES } });
