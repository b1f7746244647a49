import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock';
import { parseStreamArn, StreamsError, type StreamReader, type StreamRecord, type StreamShard } from '../dynamodb/stream-reader';
import { failedMessageIds } from './batch-response';
import type { LambdaService, LocalFunction } from './lambda-service';

/** A stream mapping's settings; UpdateEventSourceMapping changes them in place (the poller reads them per batch). */
export interface StreamMappingConfig {
  /** The stream as the mapping names it (the events' `eventSourceARN`). */
  readonly streamArn: string;
  /** The same stream as DynamoDB Local names it. */
  readonly localArn: string;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  fn: LocalFunction;
  /** @default 100 */
  batchSize: number;
  /** @default 0 */
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  bisectBatchOnFunctionError: boolean;
  /** -1: until the record expires. @default -1 */
  maximumRetryAttempts: number;
  /** -1: no limit. @default -1 */
  maximumRecordAgeSeconds: number;
  /** OnFailure destination (an SQS queue's ARN). */
  onFailure?: string;
  enabled: boolean;
  /** FilterCriteria: records it rejects are skipped without invoking the function. @default every record */
  filter?: (record: unknown) => boolean;
}

/** What a stream mapping sends its on-failure destination (Lambda's invocation record for a stream batch). */
export interface StreamFailureRecord {
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError: string | null };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface StreamMappingDeps {
  clock: Clock;
  reader: StreamReader;
  lambda: LambdaService;
  region: string;
  /** Sends a failed batch's record to the on-failure destination. */
  sendFailure: (destinationArn: string, record: StreamFailureRecord) => void;
  changed: () => void;
  /**
   * Where an earlier run of this mapping left a shard (`--persist`): reading resumes after that
   * record instead of at the starting position, as Lambda's mapping keeps its place in the stream.
   */
  resumeAfter?: (shardId: string) => string | undefined;
}

/** When nothing announced a write, the stream is still read this often (writes made around the endpoint). */
const IDLE_POLL_MS = 1000;

interface ShardPosition {
  readonly shardId: string;
  /** Where reading started: an iterator that expires is taken again from the last record read, or from here. */
  readonly start: 'TRIM_HORIZON' | 'LATEST';
  iterator?: string;
  /** The last record read from the shard. */
  lastRead?: string;
  /** The last record handed on (processed, filtered out or sent to the on-failure destination). */
  checkpoint?: string;
  done: boolean;
}

/**
 * A DynamoDB Streams event source mapping, polled as Lambda polls a stream: one poller reads the
 * shards in order (a parent before its children), gathers up to the batch size within the batching
 * window, drops what the filter rejects, invokes the function, and moves on only when the batch
 * succeeded, or its records were given up on. A failed batch is retried (from the lowest sequence
 * number a partial batch response lists; split in two when BisectBatchOnFunctionError is on) until
 * the retry attempts or the record age run out; then its description goes to the on-failure queue
 * and the shard moves on. The poller reads when the proxy reports a write (and once a second
 * otherwise), so settling knows records may be waiting.
 */
export class StreamEventSourceMapping {
  readonly metrics = { batches: 0, records: 0, failedRecords: 0 };
  /** 1 while reading or processing (settling counts it as work). */
  busy = 0;
  /** 1 while only waiting for a batching window or a retry's backoff (a timer). */
  collecting = 0;
  private running = false;
  /** A write was reported since the poller last found the stream empty. */
  private dirty = true;
  private wake: (() => void) | undefined;
  private readonly shards = new Map<string, ShardPosition>();
  /** The stream's shards as last described; described again when a shard ends and on each idle poll. */
  private shardList: StreamShard[] | undefined;
  /** Set once the shards open at the first start have their starting positions. */
  private started = false;
  /** Resolves once the poller has its starting positions (a LATEST mapping misses nothing written after). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    readonly config: StreamMappingConfig,
    private readonly deps: StreamMappingDeps,
    readonly uuid: string = randomUUID(),
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Whether records may be waiting or a batch is under way. */
  get pending(): boolean {
    return this.running && (this.busy > 0 || this.dirty);
  }

  start(): void {
    if (!this.config.enabled || this.running) return;
    this.running = true;
    this.dirty = true;
    this.ready = this.positionShards().catch(() => undefined);
    void this.ready.then(() => this.loop());
  }

  /** Takes the starting positions of the shards open now (LATEST: after their last record). */
  private async positionShards(): Promise<void> {
    if (this.started) return;
    const shards = await this.deps.reader.shards(this.config.localArn);
    for (const shard of shards) await this.position(shard, true);
    this.started = true;
  }

  stop(): void {
    this.running = false;
    this.wake?.();
    this.deps.changed();
  }

  /** A write reached the table (the proxy says so): read now. */
  notify(): void {
    if (!this.running) return;
    this.dirty = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.dirty = false;
      this.busy = 1;
      let read = 0;
      let failed = false;
      try {
        read = await this.pass();
      } catch {
        // The stream is unreadable (its table deleted, DynamoDB Local stopping): try again later, not as work.
        failed = true;
      } finally {
        this.busy = 0;
        this.deps.changed();
      }
      if (read > 0 && !failed) continue;
      if (!this.dirty || failed) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, IDLE_POLL_MS);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    }).then(() => {
      this.wake = undefined;
      // A timed wake reads too: something may have been written around the proxy, or a shard opened.
      this.dirty = true;
      this.shardList = undefined;
    });
  }

  /** Reads each open shard once (a batch each) and processes what it got; the records read. */
  private async pass(): Promise<number> {
    const { reader } = this.deps;
    if (this.shardList === undefined) this.shardList = await reader.shards(this.config.localArn);
    const shards = this.shardList;
    const firstStart = !this.started;
    this.started = true;
    let read = 0;
    for (const shard of ordered(shards)) {
      if (!this.running) break;
      const position = await this.position(shard, firstStart);
      if (position.done) continue;
      if (shard.ParentShardId !== undefined && this.shards.get(shard.ParentShardId)?.done === false) continue;
      const records = await this.readBatch(position);
      if (records.length === 0) continue;
      read += records.length;
      await this.process(shard.ShardId, records, position);
    }
    return read;
  }

  /** Each shard's last record handed on (`--persist` saves them). */
  checkpoints(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [shardId, position] of this.shards) if (position.checkpoint !== undefined) out[shardId] = position.checkpoint;
    return out;
  }

  private async position(shard: StreamShard, firstStart: boolean): Promise<ShardPosition> {
    let position = this.shards.get(shard.ShardId);
    const resume = position === undefined ? this.deps.resumeAfter?.(shard.ShardId) : undefined;
    if (resume !== undefined) {
      position = { shardId: shard.ShardId, start: 'TRIM_HORIZON', lastRead: resume, checkpoint: resume, done: false };
      const iterator = await this.deps.reader.iterator(this.config.localArn, shard.ShardId, 'AFTER_SEQUENCE_NUMBER', resume).catch(() => undefined);
      if (iterator !== undefined) {
        position.iterator = iterator;
        this.shards.set(shard.ShardId, position);
        return position;
      }
      // The record is no longer in the stream (trimmed): read the shard as a new mapping would.
      position = undefined;
    }
    if (position === undefined) {
      // LATEST applies to the shards open when the mapping starts; shards that come later are read from their start.
      const latest = firstStart && this.config.startingPosition === 'LATEST' && shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      position = { shardId: shard.ShardId, start: latest ? 'LATEST' : 'TRIM_HORIZON', done: false };
      const iterator = await this.deps.reader.iterator(this.config.localArn, shard.ShardId, position.start);
      if (iterator === undefined) position.done = true;
      else position.iterator = iterator;
      this.shards.set(shard.ShardId, position);
    }
    return position;
  }

  /** Up to a batch of records, waiting for more within the batching window. */
  private async readBatch(position: ShardPosition): Promise<StreamRecord[]> {
    const records = await this.read(position, this.config.batchSize);
    const windowMs = this.config.batchingWindowSeconds * 1000;
    if (records.length === 0 || windowMs <= 0) return records;
    const closes = this.deps.clock.now() + windowMs;
    while (records.length < this.config.batchSize && this.running && !position.done) {
      const left = closes - this.deps.clock.now();
      if (left <= 0) break;
      await this.waitFor(left, true);
      records.push(...(await this.read(position, this.config.batchSize - records.length)));
    }
    return records;
  }

  private async read(position: ShardPosition, limit: number): Promise<StreamRecord[]> {
    if (position.iterator === undefined) return [];
    let answer: Awaited<ReturnType<StreamReader['records']>>;
    try {
      answer = await this.deps.reader.records(position.iterator, limit);
    } catch (error) {
      // Shard iterators expire (15 minutes on AWS); DynamoDB Local also refuses, as trimmed, the next
      // iterator of a read that found the shard empty: take a new one where this one was.
      if (!(error instanceof StreamsError) || !['ExpiredIteratorException', 'TrimmedDataAccessException'].includes(error.type)) throw error;
      const { localArn } = this.config;
      position.iterator = position.lastRead === undefined
        ? await this.deps.reader.iterator(localArn, position.shardId, position.start)
        : await this.deps.reader.iterator(localArn, position.shardId, 'AFTER_SEQUENCE_NUMBER', position.lastRead);
      if (position.iterator === undefined) return [];
      answer = await this.deps.reader.records(position.iterator, limit);
    }
    const { records, next } = answer;
    const last = records.at(-1);
    if (last !== undefined) position.lastRead = last.dynamodb.SequenceNumber;
    if (next === undefined) {
      position.done = true;
      delete position.iterator;
      this.shardList = undefined; // its children, if any, are listed now
    } else {
      position.iterator = next;
    }
    return records;
  }

  /** Waits on the clock (settling may skip it), or, when `wakeOnWrite`, until a write is reported. */
  private waitFor(ms: number, wakeOnWrite: boolean): Promise<void> {
    this.collecting = 1;
    this.deps.changed();
    return new Promise<void>((resolve) => {
      let timer: Timer | undefined;
      const done = () => {
        timer?.cancel();
        this.wake = undefined;
        resolve();
      };
      timer = this.deps.clock.after(ms, done);
      if (wakeOnWrite) this.wake = done;
    }).finally(() => {
      this.collecting = 0;
    });
  }

  /** Hands a batch on: filtered, invoked, retried, and given up on as the settings say. */
  private async process(shardId: string, records: StreamRecord[], position: ShardPosition): Promise<void> {
    const events = records.map((record) => this.eventRecord(record));
    const { filter } = this.config;
    const kept = filter === undefined ? events : events.filter((event) => filter(event));
    if (kept.length > 0) await this.deliver(shardId, kept, 0);
    position.checkpoint = records.at(-1)?.dynamodb.SequenceNumber;
  }

  /** Invokes until the batch succeeds or is given up on; `attempts` already spent on these records. */
  private async deliver(shardId: string, batch: EventRecord[], attempts: number): Promise<void> {
    let pending = batch;
    let spent = attempts;
    while (pending.length > 0 && this.running) {
      const expired = this.expired(pending);
      if (expired.length > 0) {
        this.giveUp(shardId, expired, 'RecordAgeExceeded', spent, null);
        pending = pending.slice(expired.length);
        if (pending.length === 0) return;
      }
      const { fn } = this.config;
      const outcome = this.deps.lambda.exists(fn)
        ? await this.deps.lambda.invoke(fn, { Records: pending }, { batch: { mapping: this.uuid, source: parseStreamArn(this.config.streamArn)?.table ?? this.config.streamArn, ids: pending.map((record) => record.eventID) } })
        : { ok: false as const, error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${fn.arn}` } };
      spent++;
      this.metrics.batches++;
      this.metrics.records += pending.length;
      const sequenceNumbers = pending.map((record) => record.dynamodb.SequenceNumber);
      const failed = outcome.ok ? failedMessageIds(outcome.result, sequenceNumbers, this.config.reportBatchItemFailures) : ({ all: true } as const);
      if (!failed.all && failed.ids.size === 0) return;
      // A partial batch response: everything before the lowest failed sequence number is done.
      const from = failed.all ? 0 : Math.min(...[...failed.ids].map((id) => sequenceNumbers.indexOf(id)));
      const failing = pending.slice(from);
      this.metrics.failedRecords += failing.length;
      const functionError = outcome.ok ? null : 'Unhandled';
      const { maximumRetryAttempts, bisectBatchOnFunctionError } = this.config;
      // Splitting isolates a bad record: each half starts its own retries (splits are not retries).
      if (bisectBatchOnFunctionError && failing.length > 1) {
        const half = Math.ceil(failing.length / 2);
        await this.deliver(shardId, failing.slice(0, half), 0);
        await this.deliver(shardId, failing.slice(half), 0);
        return;
      }
      if (maximumRetryAttempts >= 0 && spent > maximumRetryAttempts) {
        this.giveUp(shardId, failing, 'RetryAttemptsExhausted', spent, functionError);
        return;
      }
      // Lambda backs off between retries of a stream batch (the clock's time: settling skips it).
      await this.waitFor(Math.min(100 * 2 ** Math.min(spent - 1, 8), 10_000), false);
      pending = failing;
    }
  }

  /** The leading records older than the maximum record age. */
  private expired(batch: EventRecord[]): EventRecord[] {
    const { maximumRecordAgeSeconds } = this.config;
    if (maximumRecordAgeSeconds < 0) return [];
    const now = this.deps.clock.now() / 1000;
    const index = batch.findIndex((record) => now - (record.dynamodb.ApproximateCreationDateTime ?? now) <= maximumRecordAgeSeconds);
    return index === -1 ? batch : batch.slice(0, index);
  }

  private giveUp(shardId: string, batch: EventRecord[], condition: StreamFailureRecord['requestContext']['condition'], invokeCount: number, functionError: string | null): void {
    const destination = this.config.onFailure;
    const first = batch[0];
    const last = batch.at(-1);
    if (destination === undefined || first === undefined || last === undefined) return;
    const arrival = (record: EventRecord) => new Date((record.dynamodb.ApproximateCreationDateTime ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.deps.sendFailure(destination, {
      requestContext: { requestId: randomUUID(), functionArn: this.config.fn.arn, condition, approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError },
      version: '1.0',
      timestamp: new Date(this.deps.clock.now()).toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first.dynamodb.SequenceNumber,
        endSequenceNumber: last.dynamodb.SequenceNumber,
        approximateArrivalOfFirstRecord: arrival(first),
        approximateArrivalOfLastRecord: arrival(last),
        batchSize: batch.length,
        streamArn: this.config.streamArn,
      },
    });
  }

  /** The record as the function sees it: DynamoDB's, in the cloud's region, with the mapping's stream ARN. */
  private eventRecord(record: StreamRecord): EventRecord {
    return {
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion,
      eventSource: 'aws:dynamodb',
      awsRegion: this.deps.region,
      dynamodb: record.dynamodb,
      eventSourceARN: this.config.streamArn,
    };
  }
}

type EventRecord = StreamRecord & { eventSourceARN: string };

/** Parents before children: a shard whose parent is listed comes after it. */
function ordered(shards: StreamShard[]): StreamShard[] {
  const ids = new Set(shards.map((shard) => shard.ShardId));
  const result: StreamShard[] = [];
  const placed = new Set<string>();
  let remaining = shards;
  while (remaining.length > 0) {
    const ready = remaining.filter((shard) => shard.ParentShardId === undefined || !ids.has(shard.ParentShardId) || placed.has(shard.ParentShardId));
    if (ready.length === 0) return [...result, ...remaining];
    for (const shard of ready) placed.add(shard.ShardId);
    result.push(...ready);
    remaining = remaining.filter((shard) => !placed.has(shard.ShardId));
  }
  return result;
}
