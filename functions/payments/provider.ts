import type { DECLINE_REASONS } from '../events/payments';

/** Customers whose id starts with this are test cards the simulated provider always declines. */
export const DECLINED_CARD_PREFIX = 'test-declined';

export type Authorization =
  | { readonly outcome: 'AUTHORIZED'; readonly authorizationId: string }
  | { readonly outcome: 'DECLINED'; readonly reason: (typeof DECLINE_REASONS)[number] };

/**
 * A simulated payment provider. Its answer is decided by the data, never by chance, so every path of
 * the saga can be driven by a test event: a test card is declined, a total above the credit limit is
 * declined, anything else is authorized with an id derived from the order.
 */
export function authorize(request: { orderId: string; customerId: string; amount: number; creditLimit: number }): Authorization {
  if (request.customerId.startsWith(DECLINED_CARD_PREFIX)) return { outcome: 'DECLINED', reason: 'CARD_DECLINED' };
  if (request.amount > request.creditLimit) return { outcome: 'DECLINED', reason: 'CREDIT_LIMIT_EXCEEDED' };
  return { outcome: 'AUTHORIZED', authorizationId: `AUTH-${request.orderId}` };
}
