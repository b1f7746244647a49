import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { dlqDepthAlarm, oldestMessageAlarm } from './queue-alarms';
import { deadLetterQueue, DLQ_RETENTION, SECURE_QUEUE_DEFAULTS } from './secure-queue';
import { pipelineFunction, type TableGrant } from './pipeline-function';
import { checkDuration, checkInteger } from './validate';

export type { TableAccess, TableGrant } from './pipeline-function';

export interface QueuedEventHandlerProps {
  /** The bus whose events the rule matches. */
  readonly eventBus: events.IEventBus;
  /** The events this handler consumes; build it from the event catalog's `pattern`. */
  readonly eventPattern: events.EventPattern;
  /** Path of the handler's TypeScript entry file. */
  readonly entry: string;
  /** @default - the construct path */
  readonly description?: string;
  /**
   * Tables the function may use, keyed by the environment variable that carries the table's name.
   * The function gets exactly these grants and nothing else.
   * @default - no table
   */
  readonly tables?: Readonly<Record<string, TableGrant>>;
  /**
   * Where the function keeps the reason of a record's last failure (`FAILURE_TABLE_NAME`, write only),
   * read by `npm run dlq` beside the message. Handlers publish nothing themselves: their events go
   * out through their table's outbox relay.
   */
  readonly failureTable: dynamodb.ITable;
  /** Extra environment variables. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Function timeout; the queue's visibility timeout is six times this. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /**
   * Records per invocation: up to 10, or up to 10,000 with a `maxBatchingWindow` of at least 1 second
   * (Lambda's rule for standard queues). @default 10
   */
  readonly batchSize?: number;
  /**
   * How long to gather records before invoking. None by default: every hop of the saga would add it
   * to an order's latency (4 sequential hops: p99 4.3 s at half the peak with 1 s, 1.0 s with none,
   * measured by `npm run bench`), while batches still fill under load. A window saves invocations at
   * low traffic (about 10 % of the bill measured at half the peak). @default Duration.seconds(0)
   */
  readonly maxBatchingWindow?: Duration;
  /** Concurrent invocations the event source may reach (2-1000). @default 5 */
  readonly maxConcurrency?: number;
  /** How long EventBridge retries a failed delivery to the queue. @default Duration.hours(1) */
  readonly maxEventAge?: Duration;
  /** Delivery retries from the rule to the queue before the target's DLQ. @default 8 */
  readonly retryAttempts?: number;
  /** How long both dead-letter queues keep a message. @default Duration.days(14) */
  readonly dlqRetentionPeriod?: Duration;
  /** Age of the oldest queued message that raises the alarm. @default Duration.minutes(5) */
  readonly oldestMessageAgeThreshold?: Duration;
  /** Removal policy of the function's log group. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** How long the function's logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Namespace of the metrics the handler emits. @default 'ShopPipeline' */
  readonly metricsNamespace?: string;
}

const NAME = 'QueuedEventHandler';

/**
 * One asynchronous hop of the pipeline, with a failure path at each step:
 * EventBridge rule -> (retry policy, target DLQ) -> encrypted SQS queue -> (redrive to DLQ) -> Lambda
 * function reporting batch item failures, with alarms on both DLQs and on the age of the oldest message.
 */
export class QueuedEventHandler extends Construct {
  public readonly rule: events.Rule;
  public readonly queue: sqs.Queue;
  /** Messages the function failed `maxReceiveCount` times. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Events EventBridge could not deliver to the queue. */
  public readonly targetDeadLetterQueue: sqs.Queue;
  public readonly function: NodejsFunction;
  public readonly eventSource: SqsEventSource;
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: QueuedEventHandlerProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(10);
    validate(props, timeout);

    const dlqRetention = props.dlqRetentionPeriod ?? DLQ_RETENTION;
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue', 'the work queue (redrive)', dlqRetention);
    this.targetDeadLetterQueue = deadLetterQueue(this, 'TargetDeadLetterQueue', 'the EventBridge rule target', dlqRetention);

    this.queue = new sqs.Queue(this, 'Queue', {
      ...SECURE_QUEUE_DEFAULTS,
      // AWS's guidance for an SQS event source: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.eventBus,
      eventPattern: props.eventPattern,
      description: props.description,
      targets: [
        new targets.SqsQueue(this.queue, {
          deadLetterQueue: this.targetDeadLetterQueue,
          maxEventAge: props.maxEventAge ?? Duration.hours(1),
          retryAttempts: props.retryAttempts ?? 8,
        }),
      ],
    });

    this.function = this.createFunction(props, timeout);
    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: props.batchSize ?? 10,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(0),
      maxConcurrency: props.maxConcurrency ?? 5,
      reportBatchItemFailures: true,
    });
    this.function.addEventSource(this.eventSource);

    const what = `${Stack.of(this).stackName}/${id}`;
    this.alarms = [
      dlqDepthAlarm(this, 'DeadLetterQueueAlarm', this.deadLetterQueue, `${what} handler`),
      dlqDepthAlarm(this, 'TargetDeadLetterQueueAlarm', this.targetDeadLetterQueue, `${what} rule delivery`),
      oldestMessageAlarm(this, 'OldestMessageAlarm', this.queue, props.oldestMessageAgeThreshold ?? Duration.minutes(5), `${what} queue`),
    ];
  }

  private createFunction(props: QueuedEventHandlerProps, timeout: Duration): NodejsFunction {
    return pipelineFunction(this, {
      entry: props.entry,
      description: props.description,
      timeout,
      memorySize: props.memorySize ?? 256,
      tables: { ...props.tables, FAILURE_TABLE_NAME: { table: props.failureTable, access: 'write' } },
      // The handler keeps the reason of a record's last failure, at the receive that sends it to the DLQ.
      environment: { MAX_RECEIVE_COUNT: String(props.maxReceiveCount ?? 5), ...props.environment },
      logRemovalPolicy: props.logRemovalPolicy,
      logRetention: props.logRetention,
      metricsNamespace: props.metricsNamespace,
    });
  }
}

/**
 * Lambda takes up to 10,000 records per batch from a standard queue once a batching window of at least
 * 1 second is set, and at most 10 without one (Lambda developer guide, "Using Lambda with Amazon SQS":
 * BatchSize). Not stricter than AWS: an unresolved window allows the larger maximum.
 */
function checkBatchSize(batchSize: number | undefined, window: Duration | undefined): void {
  const windowed = window !== undefined && (window.isUnresolved() || window.toSeconds({ integral: false }) >= 1);
  if (windowed) return checkInteger(NAME, 'batchSize', batchSize, 1, 10_000);
  try {
    checkInteger(NAME, 'batchSize', batchSize, 1, 10);
  } catch (error) {
    const larger = batchSize !== undefined && Number.isInteger(batchSize) && batchSize > 10 && batchSize <= 10_000;
    throw larger ? new Error(`${(error as Error).message} (up to 10000 with a maxBatchingWindow of at least 1 second)`) : error;
  }
}

function validate(props: QueuedEventHandlerProps, timeout: Duration): void {
  checkInteger(NAME, 'maxReceiveCount', props.maxReceiveCount, 1, 1000);
  checkBatchSize(props.batchSize, props.maxBatchingWindow);
  checkInteger(NAME, 'maxConcurrency', props.maxConcurrency, 2, 1000);
  checkInteger(NAME, 'retryAttempts', props.retryAttempts, 0, 185);
  checkInteger(NAME, 'memorySize', props.memorySize, 128, 10240);
  // The queue's visibility timeout (6x) may not exceed SQS's 12 hours, nor the function Lambda's 15 minutes.
  checkDuration(NAME, 'timeout', timeout, Duration.seconds(1), Duration.minutes(15));
  checkDuration(NAME, 'maxBatchingWindow', props.maxBatchingWindow, Duration.seconds(0), Duration.minutes(5));
  checkDuration(NAME, 'maxEventAge', props.maxEventAge, Duration.minutes(1), Duration.hours(24));
  checkDuration(NAME, 'dlqRetentionPeriod', props.dlqRetentionPeriod, Duration.minutes(1), Duration.days(14));
  for (const [variable] of Object.entries(props.tables ?? {})) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(variable)) {
      throw new Error(`${NAME}: tables keys are environment variable names like TABLE_NAME, got "${variable}"`);
    }
  }
  if (props.entry.trim() === '') throw new Error(`${NAME}: entry must name the handler file, got "${props.entry}"`);
}
