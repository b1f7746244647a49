import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { QueuedEventHandler } from '../constructs/queued-event-handler';
import { DOMAIN_SOURCE_PREFIXES } from './event-bus-stack';
import { ServiceStack, type ServiceStackProps } from './service-stack';

/** Audit: every shop.* and carrier.* event, once, in an event store queried by order. */
export class AuditStack extends ServiceStack {
  public readonly recordEvent: QueuedEventHandler;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { table } = this.serviceTable('Audit');
    this.recordEvent = this.hop('RecordEvent', 'audit/record-event', {
      tables: { TABLE_NAME: { table, access: 'write' } },
      description: 'Every domain event -> event store',
      eventPattern: { source: DOMAIN_SOURCE_PREFIXES.flatMap((prefix) => events.Match.prefix(prefix)) },
    });
  }
}
