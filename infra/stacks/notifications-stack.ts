import { Validations } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { SEND_NOTIFICATION } from '../../functions/notifications/subscriptions';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';
import { OFF_CRITICAL_PATH, ServiceStack, type ServiceStackProps } from './service-stack';

/** Notifications: one customer notification per customer-visible status change (an email outbox). */
export class NotificationsStack extends ServiceStack {
  public readonly sendNotification: QueuedEventHandler;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table } = this.serviceTable('Notifications', { indexes: [{ name: 'byCustomer', partitionKey: 'customerKey', sortKey: 'createdAt' }] });
    this.sendNotification = this.hop('SendNotification', 'notifications/send-notification', {
      tables: { TABLE_NAME: { table } },
      description: 'OrderStatusChanged (customer-visible) -> notification',
      // Internal statuses never reach the function: filtered by the rule, not paid for as invocations.
      subscription: SEND_NOTIFICATION,
      ...OFF_CRITICAL_PATH,
    });
    const tableId = this.getLogicalId(table.node.defaultChild as CfnTable);
    Validations.of(this.sendNotification.function.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason: 'Grants access to the indexes of the service\'s own table (byCustomer), which exist only under this table.',
    });
  }
}
