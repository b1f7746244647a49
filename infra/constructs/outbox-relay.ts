import { Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { OUTBOX_ATTRIBUTE } from '../../functions/shared/outbox';
import { pipelineFunction } from './pipeline-function';
import { dlqDepthAlarm } from './queue-alarms';
import { deadLetterQueue } from './secure-queue';
import { checkDuration, checkInteger } from './validate';

export interface OutboxRelayProps {
  /** The table whose items carry outboxes; it must have a stream with new and old images. */
  readonly table: dynamodb.ITable;
  /** The bus the outcome events go to. */
  readonly eventBus: events.IEventBus;
  /** Stream records per invocation (1-10,000). @default 100 */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch before its description goes to the on-failure queue. Each retry
   * already holds the publisher's own retries of failed entries. @default 10
   */
  readonly retryAttempts?: number;
  /** Records older than this are given up on (to the on-failure queue), 1 minute to 7 days. @default Duration.hours(6) */
  readonly maxRecordAge?: Duration;
  /** Stream age of the last record read that raises the alarm: the relay is falling behind. @default Duration.minutes(1) */
  readonly iteratorAgeThreshold?: Duration;
  /** Removal policy of the function's log group. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** How long the function's logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Namespace of the metrics the relay emits. @default 'ShopPipeline' */
  readonly metricsNamespace?: string;
}

const NAME = 'OutboxRelay';
const ENTRY = path.join(__dirname, '..', '..', 'functions', 'outbox', 'relay-outbox.ts');

/**
 * The transactional outbox's publisher: a function on the table's DynamoDB stream that sends to the
 * bus the events each write put in its item's `outbox`. Only records whose new image holds an outbox
 * invoke it (filter criteria, so counter changes and removals cost nothing); a failing record is
 * reported by sequence number, a failing batch is bisected, retried, and past its retries or age
 * described in an on-failure queue with an alarm; the function's iterator age has an alarm too.
 *
 * Why a function and not EventBridge Pipes (AWS's own outbox pattern): Pipes is not in LocalStack's
 * free tier, and the app must run there unchanged; a function on a stream event source mapping runs
 * on AWS, LocalStack and the local cloud alike, and its partial batch response, bisection, retries and
 * on-failure destination are the same knobs Pipes offers.
 */
export class OutboxRelay extends Construct {
  public readonly function: NodejsFunction;
  /** Descriptions of the stream batches the relay gave up on (shard, sequence numbers, reason). */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly eventSource: DynamoEventSource;
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: OutboxRelayProps) {
    super(scope, id);
    checkInteger(NAME, 'batchSize', props.batchSize, 1, 10_000);
    checkInteger(NAME, 'retryAttempts', props.retryAttempts, 0, 10_000);
    checkDuration(NAME, 'maxRecordAge', props.maxRecordAge, Duration.minutes(1), Duration.days(7));

    this.function = pipelineFunction(this, {
      entry: ENTRY,
      description: `Publishes the outbox events written to ${Stack.of(this).stackName}'s table`,
      timeout: Duration.seconds(30),
      memorySize: 256,
      environment: { EVENT_BUS_NAME: props.eventBus.eventBusName },
      logRemovalPolicy: props.logRemovalPolicy,
      logRetention: props.logRetention,
      metricsNamespace: props.metricsNamespace,
    });
    props.eventBus.grantPutEventsTo(this.function);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue', 'the outbox relay (stream batches given up on)');
    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 10,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(6),
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.deadLetterQueue),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: { NewImage: { [OUTBOX_ATTRIBUTE]: { S: lambda.FilterRule.exists() } } },
        }),
      ],
    });
    this.function.addEventSource(this.eventSource);
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams has no resource-level permission; reading the stream itself is granted on this table\'s stream only.',
    });

    const what = `${Stack.of(this).stackName}/${id}`;
    this.alarms = [
      dlqDepthAlarm(this, 'DeadLetterQueueAlarm', this.deadLetterQueue, `${what} (outcome events not published)`),
      this.function
        .metric('IteratorAge', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
        .createAlarm(this, 'IteratorAgeAlarm', {
          alarmDescription: `${what}: outcome events wait longer than ${(props.iteratorAgeThreshold ?? Duration.minutes(1)).toHumanString()} to be published`,
          threshold: (props.iteratorAgeThreshold ?? Duration.minutes(1)).toMilliseconds(),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    ];
  }
}
