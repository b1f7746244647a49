import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './clients';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The breaker as stored: one item, shared by every sandbox of every function that names it. */
export interface BreakerRecord {
  readonly state: BreakerState;
  /** Failures since the last success while closed. */
  readonly failures: number;
  /** While open: when a probe may go (epoch ms). */
  readonly openUntil: number;
  /** While half-open: when the probe's claim lapses, if it never reported (epoch ms). */
  readonly probeUntil: number;
  /** How many times it opened, and closed again: what an operator (and the chaos run) looks at. */
  readonly opened: number;
  readonly closed: number;
}

export interface CircuitBreakerOptions {
  readonly tableName: string;
  /** The item's key, e.g. `{ messageId: 'circuit-breaker#payment-provider' }`. */
  readonly key: Readonly<Record<string, string>>;
  /** Consecutive failures (across all callers) that open it. */
  readonly failureThreshold: number;
  /** How long it stays open before one probe may go. */
  readonly coolDownMs: number;
  /** How long a probe's claim holds: longer than the call's timeout, so a crashed probe does not wedge it. */
  readonly probeLeaseMs: number;
  /** How long a sandbox trusts a closed state it read, so the healthy path costs one read per sandbox and interval. */
  readonly cacheMs: number;
  readonly client?: DynamoDBDocumentClient;
  readonly now?: () => number;
}

export type Permit = { readonly allowed: true; readonly probe: boolean } | { readonly allowed: false; readonly retryAfterMs: number; readonly state: BreakerState };

/** Opening: a cool-down from now, the failure count cleared, one more opening counted. */
const OPEN = { set: '#state = :open, openUntil = :openUntil, failures = :zero', add: 'opened :one' };

const CLOSED: BreakerRecord = { state: 'closed', failures: 0, openUntil: 0, probeUntil: 0, opened: 0, closed: 0 };

/**
 * A circuit breaker whose state lives in a DynamoDB item, so that every concurrent invocation sees
 * the same one: closed, it lets calls through and counts consecutive failures; at `failureThreshold`
 * it opens, refusing calls for `coolDownMs`; then exactly one caller wins a conditional write and
 * probes (half-open): its success closes the breaker, its failure opens it for another cool-down.
 * Every transition is a conditional update, so concurrent callers cannot open it twice or probe twice.
 * A success while closed with no failures counted writes nothing: the healthy path costs reads only.
 */
export class CircuitBreaker {
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;
  private cached: { record: BreakerRecord; readAt: number } | undefined;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.client = options.client ?? dynamo;
    this.now = options.now ?? Date.now;
  }

  /**
   * The stored state. A closed breaker is trusted for `cacheMs` (the healthy path's reads); any other
   * state is read afresh, so a sandbox sees a probe's success at once (records are few while it is
   * open: they wait in the queue).
   */
  async state(): Promise<BreakerRecord> {
    const now = this.now();
    if (this.cached?.record.state === 'closed' && now - this.cached.readAt < this.options.cacheMs) return this.cached.record;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.options.tableName, Key: this.options.key, ConsistentRead: true }));
    return this.remember(Item);
  }

  /** May a call go now? A refused caller is told how long until the breaker could let one through. */
  async permit(): Promise<Permit> {
    const record = await this.state();
    const now = this.now();
    if (record.state === 'closed') return { allowed: true, probe: false };
    if (record.state === 'open' && now < record.openUntil) return { allowed: false, retryAfterMs: record.openUntil - now, state: 'open' };
    if (record.state === 'half-open' && now < record.probeUntil) return { allowed: false, retryAfterMs: record.probeUntil - now, state: 'half-open' };
    // The cool-down is over (or the last probe's claim lapsed): one caller wins the probe.
    const claimed = await this.update(
      { set: '#state = :halfOpen, probeUntil = :probeUntil' },
      '(#state = :open AND openUntil <= :now) OR (#state = :halfOpen AND probeUntil <= :now)',
      { ':halfOpen': 'half-open', ':open': 'open', ':now': now, ':probeUntil': now + this.options.probeLeaseMs },
    );
    return claimed ? { allowed: true, probe: true } : { allowed: false, retryAfterMs: this.options.probeLeaseMs, state: 'half-open' };
  }

  /** The call answered: a probe closes the breaker; a success while closed clears the failure count. */
  async succeeded(permit: Permit): Promise<void> {
    if (!permit.allowed) return;
    if (permit.probe) {
      await this.update({ set: '#state = :closed, failures = :zero', add: 'closed :one' }, '#state = :halfOpen', { ':closed': 'closed', ':zero': 0, ':one': 1, ':halfOpen': 'half-open' });
      return;
    }
    if ((this.cached?.record.failures ?? 0) === 0) return;
    await this.update({ set: 'failures = :zero' }, '#state = :closed', { ':zero': 0, ':closed': 'closed' });
  }

  /** The call failed as unavailable: a probe reopens the breaker; while closed, one more failure is counted. */
  async failed(permit: Permit): Promise<void> {
    if (!permit.allowed) return;
    const now = this.now();
    const open = { ':open': 'open', ':openUntil': now + this.options.coolDownMs, ':zero': 0, ':one': 1 };
    if (permit.probe) {
      await this.update(OPEN, '#state = :halfOpen', { ...open, ':halfOpen': 'half-open' });
      return;
    }
    const counted = await this.update({ set: '#state = if_not_exists(#state, :closed)', add: 'failures :one' }, 'attribute_not_exists(#state) OR #state = :closed', { ':one': 1, ':closed': 'closed' });
    if (!counted || (this.cached?.record.failures ?? 0) < this.options.failureThreshold) return;
    // The threshold is reached: whoever gets there first opens it, once.
    await this.update(OPEN, '#state = :closed AND failures >= :threshold', {
      ...open,
      ':closed': 'closed',
      ':threshold': this.options.failureThreshold,
    });
  }

  /** A conditional update; false when its condition did not hold (another caller got there first). */
  private async update(change: { set?: string; add?: string }, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: this.options.key,
          UpdateExpression: `SET ${[change.set, 'changedAt = :changedAt'].filter(Boolean).join(', ')}${change.add === undefined ? '' : ` ADD ${change.add}`}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ...values, ':changedAt': new Date(this.now()).toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      this.remember(Attributes);
      return true;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      // Someone else moved it: read it afresh next time.
      this.cached = undefined;
      return false;
    }
  }

  private remember(item: Record<string, unknown> | undefined): BreakerRecord {
    const record = item === undefined ? CLOSED : toRecord(item);
    this.cached = { record, readAt: this.now() };
    return record;
  }
}

function toRecord(item: Record<string, unknown>): BreakerRecord {
  const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
  const state = item['state'] === 'open' || item['state'] === 'half-open' ? item['state'] : 'closed';
  return { state, failures: number('failures'), openUntil: number('openUntil'), probeUntil: number('probeUntil'), opened: number('opened'), closed: number('closed') };
}
