import { ManualClock } from '../../local/clock';
import { StreamsError, type StreamReader, type StreamRecord } from '../../local/dynamodb/stream-reader';
import type { LambdaService, LocalFunction } from '../../local/lambda/lambda-service';
import { StreamEventSourceMapping, type StreamFailureRecord, type StreamMappingConfig } from '../../local/lambda/stream-event-source-mapping';

/** A stream of one shard, in memory: records are appended; iterators are positions. */
class FakeStream {
  readonly records: StreamRecord[] = [];
  /** The next GetRecords answers that its iterator expired. */
  expireNext = false;
  /** The next GetRecords' iterator is refused, then and ever after, with TrimmedDataAccessException (DynamoDB Local, for the iterator after an empty read). */
  trimNext = false;
  private readonly trimmed = new Set<string>();
  private tokens = 0;
  append(key: string, extra: Record<string, unknown> = {}, createdAt = Date.UTC(2026, 0, 1) / 1000): void {
    const n = this.records.length + 1;
    this.records.push({
      eventID: `e${n}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: { ApproximateCreationDateTime: createdAt, Keys: { pk: { S: key } }, NewImage: { pk: { S: key }, ...extra }, SequenceNumber: String(n).padStart(21, '0'), SizeBytes: 10, StreamViewType: 'NEW_IMAGE' },
    });
  }
  reader(): StreamReader {
    return {
      shards: async () => [{ ShardId: 'shard-1' }],
      // An iterator is a position and a token of its own, as each of DynamoDB's is a new string.
      iterator: async (_arn: string, _shard: string, type: string, after?: string) =>
        `${type === 'LATEST' ? this.records.length : type === 'AFTER_SEQUENCE_NUMBER' ? this.records.findIndex((r) => r.dynamodb.SequenceNumber === after) + 1 : 0}#${this.tokens++}`,
      records: async (iterator: string, limit: number) => {
        if (this.expireNext) {
          this.expireNext = false;
          throw new StreamsError('ExpiredIteratorException', 'Iterator expired');
        }
        if (this.trimNext) this.trimmed.add(iterator);
        this.trimNext = false;
        if (this.trimmed.has(iterator)) {
          throw new StreamsError('TrimmedDataAccessException', 'The operation attempted to read past the oldest stream record in a shard.');
        }
        const from = Number(iterator.split('#')[0]);
        const records = this.records.slice(from, from + limit);
        return { records, next: `${from + records.length}#${this.tokens++}` };
      },
    } as unknown as StreamReader;
  }
}

type Handler = (records: Array<{ dynamodb: { SequenceNumber: string; NewImage?: Record<string, { S?: string; BOOL?: boolean }> } }>) => unknown;

function setUp(settings: Partial<StreamMappingConfig>, handler: Handler) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const stream = new FakeStream();
  const batches: string[][] = [];
  const failures: StreamFailureRecord[] = [];
  const fn = { name: 'relay', arn: 'arn:aws:lambda:us-east-1:000000000000:function:relay' } as LocalFunction;
  const lambda = {
    exists: () => true,
    invoke: async (_fn: LocalFunction, event: { Records: Parameters<Handler>[0] }) => {
      batches.push(event.Records.map((record) => String(record.dynamodb.NewImage?.['pk']?.S)));
      try {
        return { ok: true, result: handler(event.Records), durationMs: 1, coldStart: false };
      } catch (error) {
        return { ok: false, error: { errorType: 'Error', errorMessage: (error as Error).message }, durationMs: 1, coldStart: false };
      }
    },
  } as unknown as LambdaService;
  const mapping = new StreamEventSourceMapping(
    {
      streamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/outbox/stream/2026-01-01T00:00:00.000',
      localArn: 'local',
      startingPosition: 'TRIM_HORIZON',
      fn,
      batchSize: 10,
      batchingWindowSeconds: 0,
      reportBatchItemFailures: false,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: -1,
      onFailure: 'arn:aws:sqs:us-east-1:000000000000:failures',
      enabled: true,
      ...settings,
    },
    { clock, reader: stream.reader(), lambda, region: 'us-east-1', sendFailure: (_arn, record) => failures.push(record), changed: () => undefined },
  );
  /** Until the poller has nothing pending, moving the clock over backoffs and windows. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!mapping.pending) return;
      if (mapping.busy === mapping.collecting) clock.warp();
    }
    throw new Error('the stream mapping did not settle');
  }
  return { clock, stream, batches, failures, mapping, settle };
}

describe('a DynamoDB stream event source mapping', () => {
  it('starts at LATEST after what the stream held, and reads new records in order', async () => {
    const { stream, batches, mapping, settle } = setUp({ startingPosition: 'LATEST' }, () => undefined);
    stream.append('old');
    mapping.start();
    await mapping.ready;
    stream.append('a');
    stream.append('b');
    mapping.notify();
    await settle();
    mapping.stop();
    expect(batches).toEqual([['a', 'b']]);
  });

  it('retries from the lowest sequence number a partial batch response lists, then gives that record up', async () => {
    const { stream, batches, failures, mapping, settle } = setUp({ reportBatchItemFailures: true, maximumRetryAttempts: 2 }, (records) => ({
      batchItemFailures: records.filter((record) => record.dynamodb.NewImage?.['bad']?.BOOL).map((record) => ({ itemIdentifier: record.dynamodb.SequenceNumber })),
    }));
    stream.append('a');
    stream.append('b', { bad: { BOOL: true } });
    stream.append('c');
    mapping.start();
    await settle();
    mapping.stop();
    expect(batches).toEqual([['a', 'b', 'c'], ['b', 'c'], ['b', 'c']]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 }, responseContext: { functionError: null }, DDBStreamBatchInfo: { batchSize: 2, startSequenceNumber: stream.records[1]!.dynamodb.SequenceNumber, endSequenceNumber: stream.records[2]!.dynamodb.SequenceNumber } });
  });

  it('bisects a failing batch until the bad record is alone, and moves on past it', async () => {
    const { stream, batches, failures, mapping, settle } = setUp({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }, (records) => {
      if (records.some((record) => record.dynamodb.NewImage?.['bad']?.BOOL)) throw new Error('bad record');
    });
    for (const key of ['a', 'b', 'c', 'd']) stream.append(key, key === 'c' ? { bad: { BOOL: true } } : {});
    mapping.start();
    await settle();
    stream.append('e');
    mapping.notify();
    await settle();
    mapping.stop();
    expect(batches).toEqual([['a', 'b', 'c', 'd'], ['a', 'b'], ['c', 'd'], ['c'], ['d'], ['e']]);
    expect(failures.map((failure) => [failure.DDBStreamBatchInfo.batchSize, failure.responseContext.functionError])).toEqual([[1, 'Unhandled']]);
  });

  it('gives up records older than the maximum record age without invoking the function', async () => {
    const { clock, stream, batches, failures, mapping, settle } = setUp({ maximumRecordAgeSeconds: 60 }, () => undefined);
    stream.append('stale', {}, clock.now() / 1000 - 120);
    stream.append('fresh', {}, clock.now() / 1000);
    mapping.start();
    await settle();
    mapping.stop();
    expect(batches).toEqual([['fresh']]);
    expect(failures.map((failure) => failure.requestContext.condition)).toEqual(['RecordAgeExceeded']);
  });

  it('skips what the filter rejects, and gathers a batch over its window', async () => {
    const { stream, batches, mapping, settle } = setUp({ batchingWindowSeconds: 5, batchSize: 3, filter: (record) => (record as { dynamodb: { Keys: { pk: { S: string } } } }).dynamodb.Keys.pk.S.startsWith('outbox#') }, () => undefined);
    mapping.start();
    await mapping.ready;
    stream.append('outbox#1');
    mapping.notify();
    await new Promise((resolve) => setImmediate(resolve));
    stream.append('order#1');
    stream.append('outbox#2');
    mapping.notify();
    await settle();
    mapping.stop();
    expect(batches).toEqual([['outbox#1', 'outbox#2']]);
  });

  it('takes a new iterator after the last record read when its iterator expires', async () => {
    const { stream, batches, mapping, settle } = setUp({}, () => undefined);
    stream.append('a');
    mapping.start();
    await settle();
    stream.expireNext = true;
    stream.append('b');
    mapping.notify();
    await settle();
    mapping.stop();
    expect(batches).toEqual([['a'], ['b']]);
  });

  it('takes a new iterator from the shard\'s start when the stream was empty and its next iterator is refused as trimmed', async () => {
    // DynamoDB Local answers a read with the iterator that followed an empty read so: a mapping
    // created on an empty table (the outbox relay at deploy) once never delivered a record.
    const { stream, batches, mapping, settle } = setUp({ startingPosition: 'TRIM_HORIZON' }, () => undefined);
    mapping.start();
    await settle();
    stream.trimNext = true;
    stream.append('first');
    mapping.notify();
    await settle();
    mapping.stop();
    expect(batches).toEqual([['first']]);
  });
});
