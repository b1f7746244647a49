import type { DECLINE_REASONS } from '../../functions/events/payments';

/** Customers whose id starts with this are test cards the stub provider always declines. */
export const DECLINED_CARD_PREFIX = 'test-declined';

/** The stub provider's credit limit unless configured: totals above it are declined. */
export const DEFAULT_CREDIT_LIMIT = 5000;

export type Decision =
  | { readonly status: 'authorized'; readonly authorizationId: string }
  | { readonly status: 'declined'; readonly reason: (typeof DECLINE_REASONS)[number] };

/**
 * How the stub payment provider decides: by the data, never by chance, so every path of the saga can
 * be driven by a test order: a test card is declined, a total above the credit limit is declined,
 * anything else is authorized with an id derived from the order. (Chance only decides the stub's
 * injected failures, which are answered before a decision is made.)
 */
export function decide(request: { orderId: string; customerId: string; amount: number }, creditLimit: number): Decision {
  if (request.customerId.startsWith(DECLINED_CARD_PREFIX)) return { status: 'declined', reason: 'CARD_DECLINED' };
  if (request.amount > creditLimit) return { status: 'declined', reason: 'CREDIT_LIMIT_EXCEEDED' };
  return { status: 'authorized', authorizationId: `AUTH-${request.orderId}` };
}
