import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countDuplicateSkipped } from './metrics';
import { OUTBOX_ATTRIBUTE, outboxValue, type Outcome } from './outbox';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
type PutItem = NonNullable<TransactItem['Put']>;
type UpdateItem = NonNullable<TransactItem['Update']>;

/**
 * One item of an effect: a put or an update, as TransactWriteItems takes it, and what a refusal of
 * its condition means: `duplicate` (the effect is already in place: counted as DuplicatesSkipped) or
 * `other` (a limit, a race; the handler decides).
 */
export type EffectWrite = ({ readonly Put: PutItem } | { readonly Update: UpdateItem }) & { readonly refusal: Refusal };

/**
 * What a refused condition means. Puts and updates are once-only writes unless told otherwise, so a
 * new handler's duplicates are counted without a line of its own; counter adjustments are limits.
 */
export type Refusal = 'duplicate' | 'other';

/** What a write did. */
export type WriteResult =
  | { readonly status: 'written' }
  /** The condition of `writes[index]` failed: nothing was written, nothing will be published. */
  | { readonly status: 'condition-failed'; readonly index: number };

/**
 * Attempts at a transaction that meets others on the same items (a popular SKU): enough for a burst
 * of concurrent orders to get through inside one invocation (3.3 s of backoff at most, 1.6 s on average,
 * well within the function's timeout) rather than waiting out the queue's visibility timeout.
 */
const TRANSACTION_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 20;
const BACKOFF_CAP_MS = 1000;

/**
 * A service's writes. An effect is written once, and its outcome events with it: the item that
 * carries them (`put` / `update` with `publish`) holds them in its `outbox` attribute, and the outbox
 * relay publishes them from the table's stream. So a handler never calls PutEvents, never holds a
 * lease, never writes twice; an effect committed is an outcome published, whatever crashes after.
 *
 * Idempotency comes from the business key: the condition of the write (one payment per order, a
 * status only forward) refuses a second copy of an event, which then writes and publishes nothing.
 * One item is one write unit (up to 1 KB); several items are a transaction (two units each).
 */
export class EffectStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * A whole item, with the events its write publishes (`[]` for none: a put replaces the item, so
   * no earlier outbox survives it).
   */
  put(item: Record<string, unknown>, options: { readonly publish: Outcome; readonly condition?: string; readonly refusal?: Refusal }): EffectWrite {
    const outbox = outboxValue(options.publish);
    return {
      refusal: options.refusal ?? 'duplicate',
      Put: {
        TableName: this.tableName,
        Item: { ...item, ...(outbox === undefined ? {} : { [OUTBOX_ATTRIBUTE]: outbox }) },
        ...(options.condition === undefined ? {} : { ConditionExpression: options.condition }),
      },
    };
  }

  /**
   * Sets attributes of an item, with the events the change publishes; without events the item's
   * previous outbox is removed, so its stream record shows nothing to publish. `condition` may use
   * `#name` for every attribute set and `:name` values of its own (`conditionValues`).
   */
  update(
    key: Record<string, unknown>,
    options: {
      readonly set: Record<string, unknown>;
      readonly publish: Outcome;
      readonly condition?: string;
      readonly conditionValues?: Record<string, unknown>;
      readonly refusal?: Refusal;
    },
  ): EffectWrite {
    const outbox = outboxValue(options.publish);
    const set = { ...options.set, ...(outbox === undefined ? {} : { [OUTBOX_ATTRIBUTE]: outbox }) };
    const assignments = Object.keys(set).map((name) => `#${name} = :${name}`);
    const names: Record<string, string> = Object.fromEntries(Object.keys(set).map((name) => [`#${name}`, name]));
    if (outbox === undefined) names[`#${OUTBOX_ATTRIBUTE}`] = OUTBOX_ATTRIBUTE;
    const values = Object.fromEntries(Object.entries(set).map(([name, value]) => [`:${name}`, value]));
    return {
      refusal: options.refusal ?? 'duplicate',
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${assignments.join(', ')}${outbox === undefined ? ` REMOVE #${OUTBOX_ATTRIBUTE}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ...options.conditionValues },
        ...(options.condition === undefined ? {} : { ConditionExpression: options.condition }),
      },
    };
  }

  /**
   * Moves counters of an item (stock levels) by the amounts in `add` (a missing counter counts as
   * 0), refused unless each counter in `atLeast` holds at least its amount first. A counter change
   * publishes nothing, and an outbox the item holds from an earlier write is not published again.
   */
  adjust(key: Record<string, unknown>, options: { readonly add: Record<string, number>; readonly atLeast?: Record<string, number> }): EffectWrite {
    const names = Object.fromEntries([...Object.keys(options.add), ...Object.keys(options.atLeast ?? {})].map((name) => [`#${name}`, name]));
    const values: Record<string, number> = { ':zero': 0 };
    const assignments = Object.entries(options.add).map(([name, amount]) => ((values[`:add_${name}`] = amount), `#${name} = if_not_exists(#${name}, :zero) + :add_${name}`));
    const conditions = Object.entries(options.atLeast ?? {}).map(([name, amount]) => ((values[`:min_${name}`] = amount), `#${name} >= :min_${name}`));
    return {
      refusal: 'other',
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(conditions.length === 0 ? {} : { ConditionExpression: conditions.join(' AND ') }),
      },
    };
  }

  /**
   * Writes the items at once: one item as a single conditional write, several as a transaction
   * (retried with jittered backoff when it meets another on the same items). A failed condition is
   * an answer, not an error: the index of the write whose condition failed (counted as a duplicate
   * skipped when that write's refusal means one).
   */
  async write(...writes: readonly EffectWrite[]): Promise<WriteResult> {
    const result = await this.attempt(writes);
    if (result.status === 'condition-failed' && writes[result.index]?.refusal === 'duplicate') countDuplicateSkipped();
    return result;
  }

  private async attempt(writes: readonly EffectWrite[]): Promise<WriteResult> {
    if (writes.length === 0) throw new Error('EffectStore.write needs at least one write');
    if (writes.length === 1) return this.writeOne(writes[0]!);
    // Only the item goes to DynamoDB, not what its refusal means.
    const items = writes.map((write): TransactItem => ('Put' in write ? { Put: write.Put } : { Update: write.Update }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dynamo.send(new TransactWriteCommand({ TransactItems: items }));
        return { status: 'written' };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const failed = (error.CancellationReasons ?? []).findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
        if (failed >= 0) return { status: 'condition-failed', index: failed };
        // TransactionConflict and throttling inside a transaction: retry with backoff, then give up loudly.
        if (attempt >= TRANSACTION_ATTEMPTS) throw error;
        // Full jitter: the transactions that collided spread out instead of colliding again.
        await new Promise((resolve) => setTimeout(resolve, Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt) * Math.random()));
      }
    }
  }

  private async writeOne(write: EffectWrite): Promise<WriteResult> {
    try {
      if ('Put' in write) await this.dynamo.send(new PutCommand(write.Put));
      else await this.dynamo.send(new UpdateCommand(write.Update));
      return { status: 'written' };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { status: 'condition-failed', index: 0 };
      throw error;
    }
  }
}
