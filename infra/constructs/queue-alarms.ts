import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Alarms as soon as one message sits in a dead-letter queue: something was not processed. */
export function dlqDepthAlarm(scope: Construct, id: string, dlq: sqs.IQueue, what: string): cloudwatch.Alarm {
  return dlq
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
    .createAlarm(scope, id, {
      alarmDescription: `${what}: messages in the dead-letter queue need triage and redrive`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
}

/** Alarms when the oldest message of a queue is older than `threshold`: the consumer is falling behind. */
export function oldestMessageAlarm(scope: Construct, id: string, queue: sqs.IQueue, threshold: Duration, what: string): cloudwatch.Alarm {
  return queue
    .metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
    .createAlarm(scope, id, {
      alarmDescription: `${what}: the oldest message is older than ${threshold.toHumanString()}`,
      threshold: threshold.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
}
