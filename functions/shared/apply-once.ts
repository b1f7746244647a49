import { ConditionalCheckFailedException, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PipelineError } from './errors';
import type { Publisher } from './publisher';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** What `apply` did with one event. */
export type ApplyResult =
  | { readonly status: 'applied' }
  /** The event id was seen before: nothing written again; its outcome was (re)published if still owed. */
  | { readonly status: 'duplicate' }
  /** A business condition of `writes[index]` failed: nothing was written, not even the marker. */
  | { readonly status: 'condition-failed'; readonly index: number };

export interface EffectLedgerProps {
  readonly dynamo: DynamoDBDocumentClient;
  readonly publisher: Publisher;
  readonly tableName: string;
  /** How long the marker of a processed event is kept; longer than any redelivery or replay window. @default 30 days */
  readonly retentionDays?: number;
  /**
   * How long the delivery that committed an event owns the publication of its outcome; another copy
   * of the event takes over only after that (the first one crashed). @default 30 seconds
   */
  readonly publishLeaseMs?: number;
}

/** Another copy of the event holds the lease on publishing its outcome: retry this record later. */
export class OutcomePublicationInProgressError extends PipelineError {}

/**
 * Attempts at a transaction that meets others on the same items (a popular SKU): enough for a burst
 * of concurrent orders to get through inside one invocation (3.3 s of backoff at most, 1.6 s on average,
 * well within the function's timeout) rather than waiting out the queue's visibility timeout.
 */
const TRANSACTION_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 20;
const BACKOFF_CAP_MS = 1000;

/**
 * Applies an event's side effects exactly once per EventBridge event id, and publishes its outcome
 * at least once.
 *
 * The effects and a marker item `EVENT#<id>` are written in one DynamoDB transaction, so an effect
 * can never be applied without the marker nor twice. The marker also holds the outcome events; it
 * is flagged `published` only after PutEvents succeeded, so a crash between commit and publish is
 * repaired by the redelivery instead of losing the events (a transactional outbox, without a stream).
 */
export class EffectLedger {
  private readonly retentionSeconds: number;
  private readonly leaseMs: number;

  constructor(private readonly props: EffectLedgerProps) {
    this.retentionSeconds = (props.retentionDays ?? 30) * 86_400;
    this.leaseMs = props.publishLeaseMs ?? 30_000;
  }

  async apply(eventId: string, writes: readonly TransactItem[], outcome: readonly PutEventsRequestEntry[] = []): Promise<ApplyResult> {
    const key = markerKey(eventId);
    const marker: TransactItem = {
      Put: {
        TableName: this.props.tableName,
        Item: {
          ...key,
          outcome: JSON.stringify(outcome),
          published: outcome.length === 0,
          // This delivery owns the publication until then; see completeIfApplied.
          claimedUntil: Date.now() + this.leaseMs,
          processedAt: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) + this.retentionSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.props.dynamo.send(new TransactWriteCommand({ TransactItems: [...writes, marker] }));
        break;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons: CancellationReason[] = error.CancellationReasons ?? [];
        if (reasons[writes.length]?.Code === 'ConditionalCheckFailed') {
          await this.completeIfApplied(eventId);
          return { status: 'duplicate' };
        }
        const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
        if (failed >= 0) return { status: 'condition-failed', index: failed };
        // TransactionConflict and throttling inside a transaction: retry with backoff, then give up loudly.
        if (attempt >= TRANSACTION_ATTEMPTS) throw error;
        // Full jitter: the transactions that collided spread out instead of colliding again.
        await new Promise((resolve) => setTimeout(resolve, Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt) * Math.random()));
      }
    }
    if (outcome.length > 0) await this.publishAndMark(eventId, outcome);
    return { status: 'applied' };
  }

  /**
   * Finishes an event that was applied before, if it was: when its outcome is not published yet, takes
   * over the publication once the committing delivery's lease has run out (it crashed or gave up);
   * while the lease runs, fails this record so it is retried, instead of publishing the outcome twice.
   * Returns whether the event had been applied (its marker exists).
   *
   * `apply` calls it for a copy of a committed event. A handler calls it when it read its state and
   * found nothing left to do (a status already reached, a reservation already released): that state
   * may be this very event's effect, committed by a delivery that died before publishing.
   */
  async completeIfApplied(eventId: string): Promise<boolean> {
    const { Item } = await this.props.dynamo.send(
      new GetCommand({ TableName: this.props.tableName, Key: markerKey(eventId), ConsistentRead: true }),
    );
    if (Item === undefined) return false;
    if (Item['published'] === true) return true;
    const now = Date.now();
    try {
      await this.props.dynamo.send(
        new UpdateCommand({
          TableName: this.props.tableName,
          Key: markerKey(eventId),
          UpdateExpression: 'SET claimedUntil = :until',
          ConditionExpression: 'published = :false AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
          ExpressionAttributeValues: { ':until': now + this.leaseMs, ':false': false, ':now': now },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new OutcomePublicationInProgressError(`the outcome of event ${eventId} is being published by another delivery; retry later`);
    }
    await this.publishAndMark(eventId, JSON.parse(String(Item['outcome'])) as PutEventsRequestEntry[]);
    return true;
  }

  private async publishAndMark(eventId: string, outcome: readonly PutEventsRequestEntry[]): Promise<void> {
    try {
      await this.props.publisher.publish(outcome);
    } catch (error) {
      // Give the lease back, so the redelivery of this record can publish at once.
      await this.props.dynamo
        .send(new UpdateCommand({ TableName: this.props.tableName, Key: markerKey(eventId), UpdateExpression: 'SET claimedUntil = :zero', ExpressionAttributeValues: { ':zero': 0 } }))
        .catch(() => undefined);
      throw error;
    }
    await this.props.dynamo.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: markerKey(eventId),
        UpdateExpression: 'SET published = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }
}

const markerKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
