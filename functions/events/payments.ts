import * as z from 'zod/mini';
import { defineEvent } from './contract';
import { currency, id, money } from './schemas';

export const PAYMENTS_SOURCE = 'shop.payments';

export const PaymentAuthorized = defineEvent({
  source: PAYMENTS_SOURCE,
  detailType: 'PaymentAuthorized',
  version: 1,
  schema: z.object({
    orderId: id(),
    customerId: id(),
    authorizationId: id(),
    amount: money(),
    currency: currency(),
  }),
});

/** Why the simulated provider declined; decided by the data, never by chance. */
export const DECLINE_REASONS = ['CREDIT_LIMIT_EXCEEDED', 'CARD_DECLINED'] as const;

export const PaymentDeclined = defineEvent({
  source: PAYMENTS_SOURCE,
  detailType: 'PaymentDeclined',
  version: 1,
  schema: z.object({
    orderId: id(),
    customerId: id(),
    amount: money(),
    currency: currency(),
    reason: z.enum(DECLINE_REASONS),
  }),
});
