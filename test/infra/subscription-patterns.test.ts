import type { Stack } from 'aws-cdk-lib';
import type { CfnRule } from 'aws-cdk-lib/aws-events';
import { RECORD_EVENT } from '../../functions/audit/subscriptions';
import type { Subscription } from '../../functions/events';
import { RELEASE_STOCK, RESERVE_STOCK } from '../../functions/inventory/subscriptions';
import { SEND_NOTIFICATION } from '../../functions/notifications/subscriptions';
import { RECORD_ORDER, UPDATE_ORDER_STATUS } from '../../functions/orders/subscriptions';
import { AUTHORIZE_PAYMENT } from '../../functions/payments/subscriptions';
import { SCHEDULE_SHIPMENT } from '../../functions/shipping/subscriptions';
import type { QueuedEventHandler } from '../../infra/constructs/queued-event-handler';
import { resourcesOf, synthShop } from '../support/synth';

/** Each handler's rule is built from its subscription, the object its handler validates with. */
const { shop, templates } = synthShop();

const HOPS: Array<[string, QueuedEventHandler, Subscription]> = [
  ['RecordOrder', shop.orders.recordOrder, RECORD_ORDER],
  ['UpdateOrderStatus', shop.orders.updateOrderStatus, UPDATE_ORDER_STATUS],
  ['ReserveStock', shop.inventory.reserveStock, RESERVE_STOCK],
  ['ReleaseStock', shop.inventory.releaseStock, RELEASE_STOCK],
  ['AuthorizePayment', shop.payments.authorizePayment, AUTHORIZE_PAYMENT],
  ['ScheduleShipment', shop.shipping.scheduleShipment, SCHEDULE_SHIPMENT],
  ['SendNotification', shop.notifications.sendNotification, SEND_NOTIFICATION],
  ['RecordEvent', shop.audit.recordEvent, RECORD_EVENT],
];

/** The synthesized EventPattern of a hop's rule. */
function synthesizedPattern(hop: QueuedEventHandler): unknown {
  const stack = hop.rule.stack as Stack;
  const logicalId = stack.getLogicalId(hop.rule.node.defaultChild as CfnRule);
  return resourcesOf(templates.get(stack.stackName)!, 'AWS::Events::Rule')[logicalId]?.Properties?.['EventPattern'];
}

describe('rule patterns come from the handlers\' subscriptions', () => {
  it.each(HOPS)('%s: the synthesized rule pattern is its subscription\'s', (_name, hop, subscription) => {
    expect(synthesizedPattern(hop)).toEqual(subscription.pattern);
  });

  it('covers every handler rule of the domain bus', () => {
    const serviceRules = [...templates]
      .filter(([name]) => !name.endsWith('-EventBus'))
      .flatMap(([, template]) => Object.keys(resourcesOf(template, 'AWS::Events::Rule')));
    expect(serviceRules).toHaveLength(HOPS.length);
  });

  it('keeps the patterns the rules had before subscriptions (no routing change)', () => {
    expect(synthesizedPattern(shop.notifications.sendNotification)).toEqual({
      source: ['shop.orders'],
      'detail-type': ['OrderStatusChanged'],
      detail: { data: { to: ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] } },
    });
    expect(synthesizedPattern(shop.audit.recordEvent)).toEqual({ source: [{ prefix: 'shop.' }, { prefix: 'carrier.' }] });
    expect(synthesizedPattern(shop.orders.updateOrderStatus)).toEqual({
      source: ['shop.inventory', 'shop.payments', 'shop.shipping', 'carrier.webhooks'],
      'detail-type': ['StockReserved', 'StockRejected', 'PaymentAuthorized', 'PaymentDeclined', 'ShipmentScheduled', 'ShipmentDelivered'],
    });
    expect(synthesizedPattern(shop.inventory.reserveStock)).toEqual({ source: ['shop.orders'], 'detail-type': ['OrderPlaced'] });
  });
});
