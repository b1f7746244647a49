import { arnService } from '../arn';
import type { Clock } from '../clock';
import type { SqsService } from '../sqs/sqs-service';
import type { BusEvent } from './put-events';

/** A delivery that failed; `retryable` decides between the retry policy and the DLQ at once. */
export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface DeliveryTarget {
  readonly id: string;
  readonly arn: string;
  readonly ruleArn: string;
  readonly maxRetryAttempts: number;
  readonly maxEventAgeSeconds: number;
  readonly deadLetterArn?: string;
  /** Builds the payload the target receives; throws DeliveryError when it cannot be built. */
  payload(event: BusEvent): string;
  /** Sends the payload; throws DeliveryError on failure. May answer the id of what it became (an SQS message id). */
  send(payload: string, event: BusEvent): Promise<string | void> | string | void;
}

/** One delivery attempt's outcome, for observers (the flight recorder). `attempt` counts from 1. */
export interface DeliveryAttempt {
  readonly outcome: 'delivered' | 'retry' | 'dead-letter' | 'dropped';
  readonly attempt: number;
  readonly error?: string;
  /** What the target made of it (an SQS message id). */
  readonly deliveredAs?: string;
  readonly deadLetterArn?: string;
}

/** Decides, per delivery attempt, whether to inject a failure (fault injection; none by default). */
export type DeliveryFault = (target: DeliveryTarget, event: BusEvent) => DeliveryError | undefined;

export interface DeliveryOptions {
  readonly clock: Clock;
  readonly sqs: SqsService;
  /** First retry delay; later ones double, with jitter, up to a minute. @default 1000 */
  readonly retryBaseDelayMs?: number;
  readonly fault?: DeliveryFault;
  /** Fault injection: deliver this event to this target twice. */
  readonly duplicate?: () => boolean;
  /** Fault injection: hold this delivery back for some milliseconds, so later events overtake it. */
  readonly delay?: () => number;
  readonly log?: (message: string) => void;
  /** The trace header the event was put with: a dead-lettered event keeps it as `AWSTraceHeader`, as on AWS. */
  readonly traceHeader?: (event: BusEvent) => string | undefined;
  /** Told each attempt's outcome (the flight recorder). */
  readonly observe?: (target: DeliveryTarget, event: BusEvent, attempt: DeliveryAttempt) => void;
}

/**
 * Delivers events to rule targets as EventBridge does: retryable failures are retried with
 * exponential backoff and jitter until the target's RetryPolicy (attempts or event age) is used
 * up; then, or at once for failures that cannot succeed (missing resource, invalid input), the
 * event goes to the target's dead-letter queue with AWS's error attributes, or is dropped.
 */
export class Deliveries {
  /** Deliveries started and not yet delivered, dead-lettered or dropped (for settling). */
  pending = 0;
  readonly stats = { delivered: 0, retried: 0, deadLettered: 0, dropped: 0 };
  /** Deliveries by the target's service (`sqs`, `events`, `lambda`): each one a request AWS bills to it. */
  readonly deliveredTo = new Map<string, number>();

  constructor(private readonly options: DeliveryOptions) {}

  deliver(target: DeliveryTarget, event: BusEvent): void {
    const copies = this.options.duplicate?.() ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      this.pending++;
      const firstAt = this.options.clock.now();
      const delay = this.options.delay?.() ?? 0;
      if (delay > 0) this.options.clock.after(delay, () => void this.attempt(target, event, 0, firstAt));
      else void this.attempt(target, event, 0, firstAt);
    }
  }

  private async attempt(target: DeliveryTarget, event: BusEvent, retries: number, firstAt: number): Promise<void> {
    let failure: DeliveryError;
    try {
      const injected = this.options.fault?.(target, event);
      if (injected !== undefined) throw injected;
      const deliveredAs = await target.send(target.payload(event), event);
      this.options.observe?.(target, event, { outcome: 'delivered', attempt: retries + 1, ...(typeof deliveredAs === 'string' ? { deliveredAs } : {}) });
      this.stats.delivered++;
      const service = arnService(target.arn);
      this.deliveredTo.set(service, (this.deliveredTo.get(service) ?? 0) + 1);
      this.pending--;
      return;
    } catch (error) {
      failure = error instanceof DeliveryError ? error : new DeliveryError('INTERNAL_ERROR', (error as Error).message, true);
    }
    const ageSeconds = (this.options.clock.now() - firstAt) / 1000;
    if (failure.retryable) {
      const delay = this.backoff(retries);
      const withinAttempts = retries < target.maxRetryAttempts;
      const withinAge = ageSeconds + delay / 1000 <= target.maxEventAgeSeconds;
      if (withinAttempts && withinAge) {
        this.stats.retried++;
        this.options.observe?.(target, event, { outcome: 'retry', attempt: retries + 1, error: `${failure.code}: ${failure.message}` });
        this.options.clock.after(delay, () => void this.attempt(target, event, retries + 1, firstAt));
        return;
      }
      this.deadLetter(target, event, failure, retries, withinAttempts ? 'MaximumEventAgeInSeconds' : 'MaximumRetryAttempts');
    } else {
      this.deadLetter(target, event, failure, retries, undefined);
    }
    this.pending--;
  }

  private backoff(retries: number): number {
    const base = this.options.retryBaseDelayMs ?? 1000;
    const capped = Math.min(60_000, base * 2 ** retries);
    return capped / 2 + Math.random() * (capped / 2);
  }

  private deadLetter(target: DeliveryTarget, event: BusEvent, failure: DeliveryError, retries: number, exhausted: string | undefined): void {
    const dlq = target.deadLetterArn === undefined ? undefined : this.options.sqs.findByArn(target.deadLetterArn);
    const error = `${failure.code}: ${failure.message}${exhausted === undefined ? '' : ` (${exhausted} exhausted)`}`;
    if (dlq === undefined) {
      this.options.observe?.(target, event, { outcome: 'dropped', attempt: retries + 1, error: `${error}; ${target.deadLetterArn === undefined ? 'no dead-letter queue' : `dead-letter queue ${target.deadLetterArn} does not exist`}` });
      this.stats.dropped++;
      this.options.log?.(`event ${event.id} dropped: target ${target.id} of ${target.ruleArn} failed (${failure.code}: ${failure.message}) and ${target.deadLetterArn === undefined ? 'has no dead-letter queue' : `its dead-letter queue ${target.deadLetterArn} does not exist`}`);
      return;
    }
    const text = (value: string) => ({ DataType: 'String', StringValue: value });
    const traceHeader = this.options.traceHeader?.(event);
    try {
      const sent = dlq.send({
        body: JSON.stringify(event),
        ...(traceHeader === undefined ? {} : { traceHeader }),
        attributes: {
          RULE_ARN: text(target.ruleArn),
          TARGET_ARN: text(target.arn),
          ERROR_CODE: text(failure.code),
          ERROR_MESSAGE: text(failure.message.slice(0, 1000)),
          RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(retries) },
          ...(exhausted === undefined ? {} : { EXHAUSTED_RETRY_CONDITION: text(exhausted) }),
        },
        ...(dlq.fifo ? { groupId: 'eventbridge-dlq', dedupId: `${event.id}-${target.id}` } : {}),
      });
      this.stats.deadLettered++;
      this.options.observe?.(target, event, { outcome: 'dead-letter', attempt: retries + 1, error, deadLetterArn: dlq.arn, deliveredAs: sent.message.id });
    } catch (refusal) {
      this.options.observe?.(target, event, { outcome: 'dropped', attempt: retries + 1, error: `${error}; its dead-letter queue refused it (${(refusal as Error).message})` });
      this.stats.dropped++;
      this.options.log?.(`event ${event.id} dropped: its dead-letter queue refused it (${(refusal as Error).message})`);
    }
  }
}
