import type { Construct } from 'constructs';
import { SCHEDULE_SHIPMENT } from '../../functions/shipping/subscriptions';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';
import { ServiceStack, type ServiceStackProps } from './service-stack';

/** Shipping: schedules a shipment for every paid order. */
export class ShippingStack extends ServiceStack {
  public readonly scheduleShipment: QueuedEventHandler;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table } = this.serviceTable('Shipping', { publishes: true });
    this.scheduleShipment = this.hop('ScheduleShipment', 'shipping/schedule-shipment', {
      tables: { TABLE_NAME: { table } },
      description: 'PaymentAuthorized -> ShipmentScheduled',
      subscription: SCHEDULE_SHIPMENT,
    });
  }
}
