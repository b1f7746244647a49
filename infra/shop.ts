import type { App, StackProps } from 'aws-cdk-lib';
import { AlarmActions } from './constructs/alarm-notifications';
import { DataProtection } from './constructs/data-protection';
import { AuditStack } from './stacks/audit-stack';
import { EventBusStack } from './stacks/event-bus-stack';
import { InventoryStack } from './stacks/inventory-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { NotificationsStack } from './stacks/notifications-stack';
import { OrdersStack } from './stacks/orders-stack';
import { PaymentsStack } from './stacks/payments-stack';
import { ShippingStack } from './stacks/shipping-stack';
import type { HopTuning } from './stacks/service-stack';
import { stageFromContext } from './stacks/stage';

/**
 * Composes the shop's stacks for the stage in context (infra/stacks/stage.ts). Region and account
 * come from the CLI's environment at deploy time (environment-agnostic stacks), so nothing assumes
 * either. Every alarm of the app notifies the stage's alarm topic, and every table, dead-letter queue
 * and archive gets the stage's data protection, whichever stack or construct made it.
 */
export function buildShop(app: App, options: { hopTuning?: HopTuning } = {}) {
  const stage = stageFromContext((key: string) => app.node.tryGetContext(key));
  const prefix = `Shop-${stage.name}`;
  const base: StackProps = { tags: { app: 'shop-event-pipeline', stage: stage.name } };
  const bus = new EventBusStack(app, `${prefix}-EventBus`, { ...base, stage });
  AlarmActions.notify(app, bus.alarmTopic);
  DataProtection.apply(app, {
    tables: { ...stage.tables, removalPolicy: stage.removalPolicy },
    deadLetterQueues: stage.deadLetterQueueRemovalPolicy,
    archives: stage.archive.removalPolicy,
  });
  const service = { ...base, stage, domainBus: bus.domainBus, ...(options.hopTuning === undefined ? {} : { hopTuning: options.hopTuning }) };
  const services = {
    orders: new OrdersStack(app, `${prefix}-Orders`, service),
    inventory: new InventoryStack(app, `${prefix}-Inventory`, service),
    payments: new PaymentsStack(app, `${prefix}-Payments`, service),
    shipping: new ShippingStack(app, `${prefix}-Shipping`, service),
    notifications: new NotificationsStack(app, `${prefix}-Notifications`, service),
    audit: new AuditStack(app, `${prefix}-Audit`, service),
  };
  // The stage's dashboard and business alarms, over every service's hops and relays.
  const monitoring = new MonitoringStack(app, `${prefix}-Monitoring`, { ...base, stage, bus, ...services, services: Object.values(services) });
  return { stage, bus, ...services, monitoring };
}
