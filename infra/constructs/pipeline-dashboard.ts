import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CANCEL_REASONS, METRIC } from '../../functions/shared/metric-names';
import type { BusinessMetrics } from './business-metrics';
import type { OutboxRelay } from './outbox-relay';
import { metricsServiceName } from './pipeline-function';
import type { QueuedEventHandler } from './queued-event-handler';

/** A rule that forwards events between buses, with the DLQ of its target. */
export interface ForwardingRule {
  readonly label: string;
  readonly rule: events.IRule;
  /** The bus the rule is on: a custom bus's rule metrics carry both EventBusName and RuleName. */
  readonly eventBus: events.IEventBus;
  readonly deadLetterQueue: sqs.IQueue;
}

export interface PipelineDashboardProps {
  /** @default - generated */
  readonly dashboardName?: string;
  /** What the header says (the stage). */
  readonly title: string;
  readonly business: BusinessMetrics;
  /** Every queued hop: a row each. */
  readonly hops: readonly QueuedEventHandler[];
  /** Every outbox relay: a row each. */
  readonly relays: readonly OutboxRelay[];
  /** Rules between buses (the integration bus's forward to the domain bus). @default none */
  readonly forwards?: readonly ForwardingRule[];
  /** Alarms shown in the status row, business alarms first. @default none */
  readonly alarms?: readonly cloudwatch.IAlarm[];
}

const OPS_PERIOD = Duration.minutes(1);
const FULL = 24;

/**
 * One dashboard for a stage: the business first (orders by status, cancellations by reason, declines
 * and rejections, time to a final state), the alarms, then a row per hop (queue depth and age of its
 * oldest message, both DLQs, the function's errors, throttles and duration, records failed and
 * duplicates skipped) and per outbox relay (iterator age, errors, its DLQ). A hop or relay added to
 * a service stack appears here without an edit: the rows come from the stacks' lists.
 */
export class PipelineDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const services = [...props.hops, ...props.relays].map((c) => metricsServiceName(c));
    const repeated = services.filter((name, i) => services.indexOf(name) !== i);
    // The `service` dimension is the hop's id: two hops of one name would share their metrics.
    if (repeated.length > 0) throw new Error(`PipelineDashboard: hop and relay names must be unique across the stage (their metrics' service dimension), repeated: ${repeated.join(', ')}`);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName === undefined ? {} : { dashboardName: props.dashboardName }),
      defaultInterval: Duration.hours(3),
    });
    const b = props.business;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# ${props.title}\nBusiness metrics: namespace \`${b.namespace}\`, dimension \`service\` = the hop that emitted them (embedded metric format). One row per hop and per outbox relay below.`,
        width: FULL,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Orders by status (per 5 min)', [b.status('PLACED'), b.status('RESERVED'), b.status('PAID'), b.status('SHIPPED'), b.status('DELIVERED')]),
      graph('Orders cancelled by reason (per 5 min)', [b.cancellationsByReason()]),
      graph('Payment declines and stock rejections (per 5 min)', [b.paymentDeclines(), b.stockRejections(), ...CANCEL_REASONS.map((reason) => b.cancelled(reason))]),
      graph('Time from placedAt to a final state (ms)', [b.timeToFinal('DELIVERED', 'p50'), b.timeToFinal('DELIVERED', 'p99'), b.timeToFinal('CANCELLED', 'p50'), b.timeToFinal('CANCELLED', 'p99')]),
    );
    if ((props.alarms ?? []).length > 0) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms!], width: FULL, height: 4 }));
    }
    for (const hop of props.hops) this.dashboard.addWidgets(...hopRow(hop, b));
    for (const relay of props.relays) this.dashboard.addWidgets(...relayRow(relay));
    for (const forward of props.forwards ?? []) this.dashboard.addWidgets(...forwardRow(forward));
  }
}

function graph(title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = [], width = 6): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, right, width, height: 6 });
}

const maximum = { period: OPS_PERIOD, statistic: cloudwatch.Stats.MAXIMUM };
const sum = { period: OPS_PERIOD, statistic: cloudwatch.Stats.SUM };

/** Queue, DLQs, function, records: four graphs of one hop. */
function hopRow(hop: QueuedEventHandler, business: BusinessMetrics): cloudwatch.IWidget[] {
  const name = metricsServiceName(hop);
  return [
    graph(
      `${name}: queue`,
      [hop.queue.metricApproximateNumberOfMessagesVisible({ ...maximum, label: 'messages visible' }), hop.queue.metricApproximateNumberOfMessagesNotVisible({ ...maximum, label: 'in flight' })],
      [hop.queue.metricApproximateAgeOfOldestMessage({ ...maximum, label: 'age of oldest (s)' })],
    ),
    graph(`${name}: dead-letter queues`, [
      hop.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...maximum, label: 'handler DLQ' }),
      hop.targetDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...maximum, label: 'rule delivery DLQ' }),
    ]),
    graph(
      `${name}: function`,
      [hop.function.metricErrors({ ...sum, label: 'errors' }), hop.function.metricThrottles({ ...sum, label: 'throttles' })],
      [hop.function.metricDuration({ period: OPS_PERIOD, statistic: 'p99', label: 'duration p99 (ms)' })],
    ),
    graph(`${name}: records`, [business.pipeline(METRIC.recordsFailed, name), business.pipeline(METRIC.duplicatesSkipped, name)]),
  ];
}

/** Iterator age, errors, DLQ of one relay. */
function relayRow(relay: OutboxRelay): cloudwatch.IWidget[] {
  const name = metricsServiceName(relay);
  return [
    graph(`${name}: iterator age (ms)`, [relay.function.metric('IteratorAge', { ...maximum, label: 'iterator age' })], [], 8),
    graph(`${name}: function`, [relay.function.metricErrors({ ...sum, label: 'errors' }), relay.function.metricThrottles({ ...sum, label: 'throttles' })], [], 8),
    graph(`${name}: batches given up on (DLQ)`, [relay.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...maximum, label: 'DLQ' })], [], 8),
  ];
}

/** A forwarding rule's failed deliveries and its DLQ. */
function forwardRow(forward: ForwardingRule): cloudwatch.IWidget[] {
  const failed = new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { EventBusName: forward.eventBus.eventBusName, RuleName: forward.rule.ruleName }, ...sum, label: 'failed deliveries' });
  return [
    graph(`${forward.label}: deliveries`, [failed], [], 12),
    graph(`${forward.label}: dead-letter queue`, [forward.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...maximum, label: 'DLQ' })], [], 12),
  ];
}
