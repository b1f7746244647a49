import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, STATUS_METRIC, type MetricName } from '../../functions/shared/metric-names';
import type { OrderStatus } from '../../functions/events/orders';

/** The `service` dimension of the hops that emit the business metrics (their construct ids). */
export interface BusinessEmitters {
  /** Records orders: OrdersPlaced. */
  readonly recordOrder: string;
  /** Moves orders: the other statuses, cancellations by reason, time to a final state. */
  readonly updateOrderStatus: string;
  /** Reserves stock: StockRejections. */
  readonly reserveStock: string;
  /** Authorizes payments: PaymentDeclines. */
  readonly authorizePayment: string;
}

/**
 * The business metrics of one stage as CloudWatch sees them: a custom metric is its namespace, name
 * and exact dimensions, so each is read under the hop that emits it (see functions/shared/metric-names.ts).
 */
export class BusinessMetrics {
  constructor(
    readonly namespace: string,
    private readonly emitters: BusinessEmitters,
  ) {}

  /** Orders that reached a status (Sum); CANCELLED summed over its reasons is `cancellations()`. */
  status(status: Exclude<OrderStatus, 'CANCELLED'>, period = Duration.minutes(5)): cloudwatch.Metric {
    const service = status === 'PLACED' ? this.emitters.recordOrder : this.emitters.updateOrderStatus;
    return this.count(STATUS_METRIC[status], service, period, { label: status });
  }

  /** Orders cancelled for one reason (OUT_OF_STOCK, PAYMENT_DECLINED). */
  cancelled(reason: string, period = Duration.minutes(5)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: METRIC.ordersCancelled,
      dimensionsMap: { service: this.emitters.updateOrderStatus, reason },
      statistic: cloudwatch.Stats.SUM,
      period,
      label: reason,
    });
  }

  /** Cancellations of every reason, each its own line, including reasons added later (a search: graphs only, not alarms). */
  cancellationsByReason(period = Duration.minutes(5)): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${this.namespace},reason,service} MetricName="${METRIC.ordersCancelled}"', 'Sum', ${period.toSeconds()})`,
      usingMetrics: {},
      label: 'cancelled',
      period,
    });
  }

  paymentDeclines(period = Duration.minutes(5)): cloudwatch.Metric {
    return this.count(METRIC.paymentDeclines, this.emitters.authorizePayment, period, { label: 'payment declines' });
  }

  stockRejections(period = Duration.minutes(5)): cloudwatch.Metric {
    return this.count(METRIC.stockRejections, this.emitters.reserveStock, period, { label: 'stock rejections' });
  }

  /** Milliseconds from placedAt to DELIVERED or CANCELLED, at a percentile (`p50`, `p99`). */
  timeToFinal(final: 'DELIVERED' | 'CANCELLED', statistic: string, period = Duration.minutes(5)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: final === 'DELIVERED' ? METRIC.timeToDelivery : METRIC.timeToCancellation,
      dimensionsMap: { service: this.emitters.updateOrderStatus },
      statistic,
      period,
      label: `to ${final.toLowerCase()} ${statistic}`,
    });
  }

  /** A pipeline count of one hop (RecordsFailed, DuplicatesSkipped): every hop emits them from the shared consumer. */
  pipeline(name: MetricName, service: string, period = Duration.minutes(1)): cloudwatch.Metric {
    return this.count(name, service, period, { label: name });
  }

  private count(name: MetricName, service: string, period: Duration, options: { label: string }): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: this.namespace, metricName: name, dimensionsMap: { service }, statistic: cloudwatch.Stats.SUM, period, label: options.label });
  }
}
