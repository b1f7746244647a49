import type { Construct } from 'constructs';
import { RECORD_EVENT } from '../../functions/audit/subscriptions';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';
import { OFF_CRITICAL_PATH, ServiceStack, type ServiceStackProps } from './service-stack';

/** Audit: every shop.* and carrier.* event, once, in an event store queried by order. */
export class AuditStack extends ServiceStack {
  public readonly recordEvent: QueuedEventHandler;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table } = this.serviceTable('Audit');
    this.recordEvent = this.hop('RecordEvent', 'audit/record-event', {
      tables: { TABLE_NAME: { table, access: 'write' } },
      description: 'Every domain event -> event store',
      subscription: RECORD_EVENT,
      ...OFF_CRITICAL_PATH,
    });
  }
}
