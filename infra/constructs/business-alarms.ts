import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { BusinessMetrics } from './business-metrics';
import { checkDuration, checkInteger } from './validate';

export interface BusinessAlarmsProps {
  readonly metrics: BusinessMetrics;
  /** Share of the orders placed in a window cancelled because payment was declined that raises the alarm. @default 20 (%) */
  readonly paymentCancellationPercent?: number;
  /** Orders a window needs before the share means anything (one decline of one order is not an incident). @default 10 */
  readonly minimumOrders?: number;
  /** The window of the payment alarm. @default Duration.minutes(15) */
  readonly paymentWindow?: Duration;
  /** A window with at least `minimumUnshippedOrders` placed and none shipped raises the shipping alarm. @default Duration.minutes(30) */
  readonly shippingWindow?: Duration;
  /** @default 5 */
  readonly minimumUnshippedOrders?: number;
}

const NAME = 'BusinessAlarms';

/**
 * Alarms on what the business sees, which the queue and DLQ alarms can miss: every hop healthy while
 * the payment provider declines most orders, or orders placed that never ship (a consumer that
 * silently drops them, a rule that no longer matches). Their actions are added with every other
 * alarm's (the stage's notification topic).
 */
export class BusinessAlarms extends Construct {
  /** Cancellations by declined payment above a share of the orders placed. */
  public readonly paymentCancellations: cloudwatch.Alarm;
  /** Orders placed, none shipped. */
  public readonly ordersNotShipped: cloudwatch.Alarm;
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: BusinessAlarmsProps) {
    super(scope, id);
    const percent = props.paymentCancellationPercent ?? 20;
    if (!(percent > 0 && percent <= 100)) throw new Error(`${NAME}: paymentCancellationPercent must be in (0, 100], got ${percent}`);
    checkInteger(NAME, 'minimumOrders', props.minimumOrders, 1, 1_000_000);
    checkInteger(NAME, 'minimumUnshippedOrders', props.minimumUnshippedOrders, 1, 1_000_000);
    checkDuration(NAME, 'paymentWindow', props.paymentWindow, Duration.minutes(1), Duration.days(1));
    checkDuration(NAME, 'shippingWindow', props.shippingWindow, Duration.minutes(1), Duration.days(1));
    const minimumOrders = props.minimumOrders ?? 10;
    const paymentWindow = props.paymentWindow ?? Duration.minutes(15);
    const shippingWindow = props.shippingWindow ?? Duration.minutes(30);
    const minimumUnshipped = props.minimumUnshippedOrders ?? 5;
    const m = props.metrics;

    // A window without orders has no datapoint for `placed`: FILL makes it 0, so the share is 0, not missing.
    this.paymentCancellations = new cloudwatch.MathExpression({
      expression: `IF(FILL(placed, 0) >= ${minimumOrders}, 100 * FILL(declined, 0) / placed, 0)`,
      usingMetrics: { placed: m.status('PLACED', paymentWindow), declined: m.cancelled('PAYMENT_DECLINED', paymentWindow) },
      period: paymentWindow,
      label: 'orders cancelled by declined payment (%)',
    }).createAlarm(this, 'PaymentCancellationsAlarm', {
      alarmDescription: `More than ${percent} % of the orders placed in ${paymentWindow.toHumanString()} (at least ${minimumOrders}) were cancelled because payment was declined: is the payment provider refusing valid cards?`,
      threshold: percent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.ordersNotShipped = new cloudwatch.MathExpression({
      expression: `IF(FILL(placed, 0) >= ${minimumUnshipped} AND FILL(shipped, 0) == 0, 1, 0)`,
      usingMetrics: { placed: m.status('PLACED', shippingWindow), shipped: m.status('SHIPPED', shippingWindow) },
      period: shippingWindow,
      label: 'orders placed, none shipped',
    }).createAlarm(this, 'OrdersNotShippedAlarm', {
      alarmDescription: `At least ${minimumUnshipped} orders were placed in ${shippingWindow.toHumanString()} and none shipped: the saga is stuck or every order is cancelled (see the dashboard's business row).`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms = [this.paymentCancellations, this.ordersNotShipped];
  }
}
