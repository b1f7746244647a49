import type { Construct } from 'constructs';
import { RELEASE_STOCK, RESERVE_STOCK } from '../../functions/inventory/subscriptions';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';
import { ServiceStack, type ServiceStackProps } from './service-stack';

/** Inventory: reserves an order's items atomically, and releases them when payment is declined. */
export class InventoryStack extends ServiceStack {
  public readonly reserveStock: QueuedEventHandler;
  public readonly releaseStock: QueuedEventHandler;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table } = this.serviceTable('Inventory', { publishes: true });
    const common = { tables: { TABLE_NAME: { table } } };
    this.reserveStock = this.hop('ReserveStock', 'inventory/reserve-stock', {
      ...common,
      description: 'OrderPlaced -> all items reserved at once -> StockReserved | StockRejected',
      subscription: RESERVE_STOCK,
    });
    this.releaseStock = this.hop('ReleaseStock', 'inventory/release-stock', {
      ...common,
      description: 'PaymentDeclined -> reservation released (compensation) -> StockReleased',
      subscription: RELEASE_STOCK,
    });
  }
}
