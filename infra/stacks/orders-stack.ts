import type { Construct } from 'constructs';
import { RECORD_ORDER, UPDATE_ORDER_STATUS } from '../../functions/orders/subscriptions';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';
import { ServiceStack, type ServiceStackProps } from './service-stack';

/** Orders: records each order and moves it through its lifecycle, publishing OrderStatusChanged. */
export class OrdersStack extends ServiceStack {
  public readonly recordOrder: QueuedEventHandler;
  public readonly updateOrderStatus: QueuedEventHandler;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table } = this.serviceTable('Orders', { publishes: true });
    const common = { tables: { TABLE_NAME: { table } } };
    this.recordOrder = this.hop('RecordOrder', 'orders/record-order', {
      ...common,
      description: 'OrderPlaced -> order recorded as PLACED',
      subscription: RECORD_ORDER,
    });
    this.updateOrderStatus = this.hop('UpdateOrderStatus', 'orders/update-order-status', {
      ...common,
      description: 'Saga status events -> order status moves forward only',
      subscription: UPDATE_ORDER_STATUS,
    });
  }
}
