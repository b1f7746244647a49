import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as path from 'node:path';
import type { Construct } from 'constructs';
import type { Subscription } from '../../functions/events/subscription';
import { metricsNamespace } from '../../functions/shared/metric-names';
import { FailureTable } from '../constructs/failure-table';
import { OutboxRelay } from '../constructs/outbox-relay';
import { ServiceTable, type ServiceTableProps } from '../constructs/service-table';
import { QueuedEventHandler, type QueuedEventHandlerProps } from '../constructs/queued-event-handler';
import { outputHop, outputQueue, outputTable } from './outputs';
import type { Stage } from './stage';

export interface ServiceStackProps extends StackProps {
  readonly stage: Stage;
  /** The domain bus the service consumes from and publishes to. */
  readonly domainBus: events.IEventBus;
  /**
   * How every hop of the service polls its queue, over the construct's defaults and the service's
   * choices (the benchmark's naive baseline sets batch size 1 and no batching window).
   * @default - the construct's defaults
   */
  readonly hopTuning?: HopTuning;
}

export type HopTuning = Pick<QueuedEventHandlerProps, 'batchSize' | 'maxBatchingWindow'>;

/**
 * The tuning of a hop that no order waits on (the audit store, customer notifications): nothing
 * downstream consumes its writes, so a second of batching costs no order any latency, and at low
 * traffic it turns one invocation, one receive and one delete per message into one per second. The
 * saga's hops keep the construct's defaults (no window): each would add the window to an order's
 * latency. Measured by `npm run bench` (README, Performance).
 */
export const OFF_CRITICAL_PATH: HopTuning = { batchSize: 100, maxBatchingWindow: Duration.seconds(1) };

export interface HopProps extends Omit<QueuedEventHandlerProps, 'eventBus' | 'entry' | 'eventPattern' | 'failureTable'> {
  /** What the handler consumes: the rule's pattern comes from it, as the handler's validation does. */
  readonly subscription: Subscription;
}

/**
 * A subscription's pattern as the CDK takes it. The CDK renders an event pattern unchanged (it only
 * renames `detailType`), so the template's pattern is the subscription's JSON; the cast only admits
 * the `{ prefix }` matchers that `events.EventPattern` types as tokens.
 */
export function rulePattern(subscription: Subscription): events.EventPattern {
  return JSON.parse(JSON.stringify(subscription.pattern)) as events.EventPattern;
}

const FUNCTIONS_DIR = path.join(__dirname, '..', '..', 'functions');

/** What a service stack shares: its stage, its bus, its table, and hops with outputs. */
export abstract class ServiceStack extends Stack {
  protected readonly stage: Stage;
  protected readonly domainBus: events.IEventBus;
  private readonly hopTuning: HopTuning;
  private failures: FailureTable | undefined;
  /** The service's hops and outbox relays, in creation order: what the stage's dashboard shows. */
  public readonly hops: QueuedEventHandler[] = [];
  public readonly relays: OutboxRelay[] = [];

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    this.domainBus = props.domainBus;
    this.hopTuning = props.hopTuning ?? {};
  }

  /**
   * The service's own table, with its `<name>TableName` output. A service that publishes gets the
   * table's stream and its outbox relay to the domain bus (`<name>Relay...` outputs): its handlers'
   * events are written with their effects and published from there.
   */
  protected serviceTable(name: string, options: { readonly indexes?: ServiceTableProps['indexes']; readonly publishes?: boolean } = {}): ServiceTable & { relay?: OutboxRelay } {
    const publishes = options.publishes === true;
    const table = new ServiceTable(this, `${name}Table`, { removalPolicy: this.stage.removalPolicy, indexes: options.indexes, stream: publishes });
    outputTable(this, name, table.table);
    if (!publishes) return table;
    const relay = new OutboxRelay(this, `${name}Relay`, {
      table: table.table,
      eventBus: this.domainBus,
      logRemovalPolicy: this.stage.removalPolicy,
      logRetention: this.stage.logRetention,
      metricsNamespace: metricsNamespace(this.stage.name),
    });
    this.relays.push(relay);
    outputQueue(this, `${name}RelayDeadLetterQueue`, relay.deadLetterQueue);
    new CfnOutput(this, `${name}RelayFunctionName`, { value: relay.function.functionName });
    return Object.assign(table, { relay });
  }

  /** Where the service's handlers keep the reasons of the messages they gave up on; one per service. */
  private failureTable(): FailureTable {
    this.failures ??= new FailureTable(this, 'Failures', { removalPolicy: this.stage.removalPolicy });
    return this.failures;
  }

  /** A hop on the domain bus running `functions/<handler>.ts`, with `<name>...` outputs. */
  protected hop(name: string, handler: string, { subscription, ...props }: HopProps): QueuedEventHandler {
    const hop = new QueuedEventHandler(this, name, {
      eventBus: this.domainBus,
      entry: path.join(FUNCTIONS_DIR, `${handler}.ts`),
      eventPattern: rulePattern(subscription),
      logRemovalPolicy: this.stage.removalPolicy,
      logRetention: this.stage.logRetention,
      failureTable: this.failureTable().table,
      metricsNamespace: metricsNamespace(this.stage.name),
      ...props,
      ...this.hopTuning,
    });
    this.hops.push(hop);
    outputHop(this, name, hop);
    return hop;
  }
}
