import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Settings every queue of the pipeline shares: encrypted at rest, TLS-only. */
export const SECURE_QUEUE_DEFAULTS = {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
} as const satisfies sqs.QueueProps;

/** How long a dead-letter queue keeps a message: the SQS maximum, to leave time to triage and redrive. */
export const DLQ_RETENTION = Duration.days(14);

/** A queue made by `deadLetterQueue()`: what the stage's data protection (data-protection.ts) recognizes. */
export class DeadLetterQueue extends sqs.Queue {}

/**
 * A dead-letter queue: encrypted, TLS-only, keeping messages 14 days unless told otherwise.
 * `purpose` says whose failures it holds (for the cdk-nag acknowledgement).
 */
export function deadLetterQueue(scope: Construct, id: string, purpose: string, retentionPeriod: Duration = DLQ_RETENTION): sqs.Queue {
  const queue = new DeadLetterQueue(scope, id, { ...SECURE_QUEUE_DEFAULTS, retentionPeriod });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of ${purpose}; a dead-letter queue needs no dead-letter queue of its own.`,
  });
  return queue;
}
