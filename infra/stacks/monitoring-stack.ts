import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { metricsNamespace } from '../../functions/shared/metric-names';
import { BusinessAlarms } from '../constructs/business-alarms';
import { BusinessMetrics } from '../constructs/business-metrics';
import { PipelineDashboard } from '../constructs/pipeline-dashboard';
import { metricsServiceName } from '../constructs/pipeline-function';
import type { EventBusStack } from './event-bus-stack';
import type { InventoryStack } from './inventory-stack';
import type { OrdersStack } from './orders-stack';
import type { PaymentsStack } from './payments-stack';
import type { ServiceStack } from './service-stack';
import type { Stage } from './stage';

export interface MonitoringStackProps extends StackProps {
  readonly stage: Stage;
  readonly bus: EventBusStack;
  /** The services whose hops emit the business metrics. */
  readonly orders: OrdersStack;
  readonly inventory: InventoryStack;
  readonly payments: PaymentsStack;
  /** Every service stack: each hop and relay gets its row. */
  readonly services: readonly ServiceStack[];
}

/**
 * The stage's dashboard and business alarms, in a stack of their own: they read every service's
 * queues and functions (by name, imported from the service stacks), so the services do not depend on
 * one another, and changing a graph never redeploys a service.
 */
export class MonitoringStack extends Stack {
  public readonly business: BusinessMetrics;
  public readonly alarms: BusinessAlarms;
  public readonly dashboard: PipelineDashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.business = new BusinessMetrics(metricsNamespace(props.stage.name), {
      recordOrder: metricsServiceName(props.orders.recordOrder),
      updateOrderStatus: metricsServiceName(props.orders.updateOrderStatus),
      reserveStock: metricsServiceName(props.inventory.reserveStock),
      authorizePayment: metricsServiceName(props.payments.authorizePayment),
    });
    this.alarms = new BusinessAlarms(this, 'BusinessAlarms', { metrics: this.business });
    const hops = props.services.flatMap((service) => service.hops);
    const relays = props.services.flatMap((service) => service.relays);
    this.dashboard = new PipelineDashboard(this, 'Dashboard', {
      dashboardName: `Shop-${props.stage.name}`,
      title: `Shop pipeline (${props.stage.name})`,
      business: this.business,
      hops,
      relays,
      forwards: [{ label: 'Carrier events forwarded', rule: props.bus.forwardRule, eventBus: props.bus.integrationBus, deadLetterQueue: props.bus.forwardDeadLetterQueue }],
      // Business alarms first; then every hop's and relay's, so the dashboard shows what is red.
      alarms: [...this.alarms.alarms, ...hops.flatMap((hop) => hop.alarms), ...relays.flatMap((relay) => relay.alarms)],
    });
  }
}
