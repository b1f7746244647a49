import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { eventIdentity } from '../events/contract';
import { logger } from './logger';

/**
 * Why a record waits: `unavailable` (the dependency is down, or its breaker open) backs off with
 * the record's receive count; `throttled` (over a rate limit) waits only what it was told.
 */
export type WaitKind = 'unavailable' | 'throttled';

export interface BackoffPolicy {
  /** The first wait of an unavailable dependency: the breaker's cool-down. */
  readonly baseMs: number;
  /** The longest wait: how late a waiting message may notice the dependency is back. */
  readonly maxMs: number;
}

/** SQS's longest visibility timeout. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * How long a failed record stays invisible before its next receive: at least what was asked;
 * for an unavailable dependency also base x 2^(receives - 1), up to the maximum, plus up to 10 %
 * jitter so that messages deferred together do not all come back in the same second.
 */
export function waitSeconds(kind: WaitKind, atLeastMs: number, receiveCount: number, policy: BackoffPolicy, random = Math.random): number {
  const backoff = kind === 'unavailable' ? Math.min(policy.baseMs * 2 ** Math.max(0, receiveCount - 1), policy.maxMs) : 0;
  const ms = Math.min(Math.max(atLeastMs, backoff), policy.maxMs);
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil((ms * (1 + random() / 10)) / 1000)));
}

/**
 * What the record handlers of one batch asked for, by event identity (`eventIdentity`: the producer's
 * event id when it set one, as the consumer's parsed `event.id`; handlers see events, not SQS records).
 */
export class Waits {
  private readonly byEvent = new Map<string, { kind: WaitKind; atLeastMs: number }>();

  wait(eventId: string, kind: WaitKind, atLeastMs: number): void {
    this.byEvent.set(eventId, { kind, atLeastMs });
  }

  get(eventId: string): { kind: WaitKind; atLeastMs: number } | undefined {
    return this.byEvent.get(eventId);
  }

  clear(): void {
    this.byEvent.clear();
  }
}

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Wraps an SQS batch handler: the failed records its handlers asked to wait get that wait as their
 * visibility timeout (one ChangeMessageVisibilityBatch), instead of the queue's, so a message comes
 * back when the dependency may answer rather than burning its receives on a dependency known down.
 * Other failures keep the queue's visibility timeout. A failed visibility change only costs the
 * message an earlier receive.
 */
export function withVisibilityBackoff(handler: SqsHandler, options: { queueUrl: string; waits: Waits; policy: BackoffPolicy; sqs?: SQSClient }): SqsHandler {
  const sqs = options.sqs ?? new SQSClient({ maxAttempts: 3 });
  return async (event, context) => {
    options.waits.clear();
    const response = await handler(event, context);
    const entries = response.batchItemFailures.flatMap(({ itemIdentifier }, index) => {
      const record = event.Records.find((r) => r.messageId === itemIdentifier);
      const wait = record === undefined ? undefined : options.waits.get(eventIdOf(record.body));
      if (record === undefined || wait === undefined) return [];
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      return [{ Id: String(index), ReceiptHandle: record.receiptHandle, VisibilityTimeout: waitSeconds(wait.kind, wait.atLeastMs, receiveCount, options.policy) }];
    });
    for (let i = 0; i < entries.length; i += 10) {
      const chunk = entries.slice(i, i + 10);
      try {
        const { Failed = [] } = await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: options.queueUrl, Entries: chunk }));
        if (Failed.length > 0) logger.warn('could not defer some records', { failed: Failed.map((f) => f.Code) });
      } catch (error) {
        logger.warn('could not defer records; they return after the queue visibility timeout', { reason: (error as Error).message });
      }
    }
    if (entries.length > 0) logger.info('records wait for the dependency', { waiting: entries.length, visibilitySeconds: entries.map((e) => e.VisibilityTimeout) });
    return response;
  };
}

function eventIdOf(body: string): string {
  try {
    return eventIdentity(JSON.parse(body) as { id?: string; detail?: unknown }) ?? '';
  } catch {
    return '';
  }
}
