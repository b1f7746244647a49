import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CARRIER_SOURCE } from '../../functions/events/carrier';
import { AlarmTopic } from '../constructs/alarm-notifications';
import { dlqDepthAlarm } from '../constructs/queue-alarms';
import { deadLetterQueue } from '../constructs/secure-queue';
import { outputQueue } from './outputs';
import type { Stage } from './stage';

/** The event sources every shop event and partner event uses; the archive and audit match on these. */
export const DOMAIN_SOURCE_PREFIXES = ['shop.', 'carrier.'] as const;

export interface EventBusStackProps extends StackProps {
  readonly stage: Stage;
}

/**
 * What every service of a stage shares: a domain bus for every shop.* event (archived for replay),
 * an integration bus where partners publish, whose carrier.webhooks events are forwarded to the domain
 * bus, and the topic every alarm of the stage notifies (infra/shop.ts wires them all to it).
 */
export class EventBusStack extends Stack {
  public readonly domainBus: events.EventBus;
  public readonly integrationBus: events.EventBus;
  public readonly archive: events.Archive;
  public readonly forwardRule: events.Rule;
  public readonly forwardDeadLetterQueue: sqs.Queue;
  /** Where the stage's alarms go, and who is subscribed. */
  public readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: EventBusStackProps) {
    super(scope, id, props);
    this.domainBus = new events.EventBus(this, 'DomainBus');
    this.integrationBus = new events.EventBus(this, 'IntegrationBus');

    this.archive = this.domainBus.archive('DomainArchive', {
      description: 'Every domain event, kept for replay',
      eventPattern: { source: DOMAIN_SOURCE_PREFIXES.flatMap((prefix) => events.Match.prefix(prefix)) },
      retention: props.stage.archive.retention,
    });

    this.forwardDeadLetterQueue = deadLetterQueue(this, 'ForwardDeadLetterQueue', 'the bus-to-bus forwarding target');
    this.forwardRule = new events.Rule(this, 'ForwardCarrierEvents', {
      eventBus: this.integrationBus,
      description: 'Forwards carrier webhooks from the integration bus to the domain bus',
      eventPattern: { source: [CARRIER_SOURCE] },
      // EventBridge supports no RetryPolicy on bus targets; failures still reach the DLQ.
      targets: [new targets.EventBus(this.domainBus, { deadLetterQueue: this.forwardDeadLetterQueue })],
    });
    dlqDepthAlarm(this, 'ForwardDeadLetterQueueAlarm', this.forwardDeadLetterQueue, 'carrier event forwarding');

    this.alarmTopic = new AlarmTopic(this, 'Alarms', { emails: props.stage.alarms.emails, removalPolicy: props.stage.removalPolicy }).topic;

    new CfnOutput(this, 'DomainBusName', { value: this.domainBus.eventBusName });
    new CfnOutput(this, 'DomainBusArn', { value: this.domainBus.eventBusArn });
    new CfnOutput(this, 'IntegrationBusName', { value: this.integrationBus.eventBusName });
    new CfnOutput(this, 'IntegrationBusArn', { value: this.integrationBus.eventBusArn });
    new CfnOutput(this, 'DomainArchiveName', { value: this.archive.archiveName });
    new CfnOutput(this, 'DomainArchiveArn', { value: this.archive.archiveArn });
    outputQueue(this, 'ForwardDeadLetterQueue', this.forwardDeadLetterQueue);
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }
}
