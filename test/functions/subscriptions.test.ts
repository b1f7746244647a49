import {
  CUSTOMER_VISIBLE_STATUSES,
  isCustomerVisible,
  OrderPlaced,
  OrderStatusChanged,
  PaymentDeclined,
  ShipmentDelivered,
  StockReleased,
  StockReserved,
  subscribe,
  type SubscribedEvent,
} from '../../functions/events';
import { InvalidEventError } from '../../functions/shared/errors';
import { SEND_NOTIFICATION } from '../../functions/notifications/subscriptions';
import { UPDATE_ORDER_STATUS } from '../../functions/orders/subscriptions';
import { loadTestEvent } from '../support/events';

/**
 * The routing contract. Some checks here are made by the compiler (`npm test` runs `tsc -p .` over the
 * tests): each `@ts-expect-error` line fails the type-check if the error it expects ever disappears.
 */
describe('subscriptions', () => {
  it('validates exactly the subscribed events, typed by detail-type', () => {
    const subscription = subscribe([StockReserved, PaymentDeclined]);
    const event = subscription.parse(loadTestEvent('shop.payments/payment-declined.json'));
    expect(event['detail-type']).toBe('PaymentDeclined');
    // Narrowed by the discriminant: the payload of PaymentDeclined, with no cast.
    expect(event['detail-type'] === 'PaymentDeclined' && event.data.reason).toBe('CREDIT_LIMIT_EXCEEDED');
    expect(() => subscription.parse(loadTestEvent('shop.orders/order-placed.json'))).toThrow(
      new InvalidEventError('unexpected event shop.orders/OrderPlaced for this consumer'),
    );
  });

  it('derives the rule pattern from the events and the filter', () => {
    expect(subscribe([StockReserved, PaymentDeclined, StockReleased]).pattern).toEqual({
      source: ['shop.inventory', 'shop.payments'],
      'detail-type': ['StockReserved', 'PaymentDeclined', 'StockReleased'],
    });
    expect(subscribe([OrderStatusChanged], { filter: { to: ['PAID'] } }).pattern).toEqual({
      source: ['shop.orders'],
      'detail-type': ['OrderStatusChanged'],
      detail: { data: { to: ['PAID'] } },
    });
    expect(subscribe([OrderPlaced, ShipmentDelivered], { match: 'source-prefixes' }).pattern).toEqual({ source: [{ prefix: 'shop.' }, { prefix: 'carrier.' }] });
  });

  it('refuses a subscription without events and a prefix subscription with a filter', () => {
    expect(() => subscribe([])).toThrow('a subscription needs at least one event');
    expect(() => subscribe([OrderStatusChanged], { match: 'source-prefixes', filter: { to: ['PAID'] } })).toThrow(
      'a subscription by source prefix takes no filter: its events have no common payload',
    );
  });

  it('types a filter by the payload of its events', () => {
    // @ts-expect-error SHIPPING is not an order status
    subscribe([OrderStatusChanged], { filter: { to: ['SHIPPING'] } });
    // @ts-expect-error OrderStatusChanged has no field `status`
    subscribe([OrderStatusChanged], { filter: { status: ['PAID'] } });
    expect(true).toBe(true);
  });

  it('filters notifications by the customer-visible statuses, defined once', () => {
    expect(SEND_NOTIFICATION.filter?.to).toBe(CUSTOMER_VISIBLE_STATUSES);
    expect(CUSTOMER_VISIBLE_STATUSES.filter((status) => !isCustomerVisible(status))).toEqual([]);
    expect(isCustomerVisible('RESERVED')).toBe(false);
  });
});

describe('exhaustive switches over a subscription (checked by the compiler)', () => {
  /** A handler's switch as the handlers write it, missing the case of one subscribed event. */
  function statusOf(event: SubscribedEvent<ReturnType<typeof subscribeTwo>>): string {
    switch (event['detail-type']) {
      case StockReserved.detailType:
        return 'RESERVED';
      default: {
        // @ts-expect-error ShipmentDelivered is in the subscription but has no case: the check refuses it
        const _exhaustive: never = event;
        return String(_exhaustive);
      }
    }
  }
  const subscribeTwo = () => subscribe([StockReserved, ShipmentDelivered]);

  it('fails to compile when a subscribed event has no case', () => {
    // The test is the @ts-expect-error above; at run time the unhandled event reaches `default`.
    const delivered = subscribeTwo().parse(loadTestEvent('carrier.webhooks/shipment-delivered.json'));
    expect(statusOf(delivered)).toBe('[object Object]');
  });

  it('refuses an event added to UPDATE_ORDER_STATUS until targetStatus handles it', () => {
    type TargetStatus = typeof import('../../functions/orders/update-order-status').targetStatus;
    const wider = subscribe([...UPDATE_ORDER_STATUS.events, StockReleased]);
    const typeOnly = (targetStatus: TargetStatus, event: SubscribedEvent<typeof wider>) =>
      // @ts-expect-error StockReleased is not one of the events targetStatus switches over
      targetStatus(event);
    const exact = (targetStatus: TargetStatus, event: SubscribedEvent<typeof UPDATE_ORDER_STATUS>) => targetStatus(event);
    expect([typeOnly, exact]).toHaveLength(2);
  });
});
