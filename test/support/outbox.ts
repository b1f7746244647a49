import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaContext } from './events';
import { testDynamo } from './tables';

type RelayHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

const streams = new DynamoDBStreamsClient({ endpoint: process.env['DYNAMODB_TEST_ENDPOINT'] });

/**
 * A table's outbox, published as on AWS: its stream read from DynamoDB Local and handed, in order,
 * to the real relay handler (`functions/outbox/relay-outbox.ts`), whose PutEvents the tests'
 * `captureEvents` intercepts. `flush` publishes what was written since the last flush; a record
 * the relay reports failed is handed to it again on the next flush, as Lambda retries from it.
 */
export class OutboxStream {
  /** The last sequence number read per shard: reading resumes after it (iterators of DynamoDB Local expire). */
  private readonly lastRead = new Map<string, string>();
  private pending: DynamoDBRecord[] = [];
  private relay: RelayHandler | undefined;
  /** Flushes run one at a time, as one poller per shard does (concurrent invocations flush too). */
  private running: Promise<unknown> = Promise.resolve();

  constructor(readonly tableName: string) {}

  /** Publishes what the table's writes owe; returns the relay's answer (its failed sequence numbers). */
  flush(): Promise<DynamoDBBatchResponse> {
    const next = this.running.then(() => this.flushNow());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async flushNow(): Promise<DynamoDBBatchResponse> {
    this.pending.push(...(await this.read()));
    if (this.pending.length === 0) return { batchItemFailures: [] };
    this.relay ??= loadRelay();
    const response = await this.relay({ Records: this.pending }, lambdaContext('outbox-relay'));
    const failed = response.batchItemFailures.map((f) => this.pending.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier)).filter((i) => i >= 0);
    this.pending = failed.length === 0 ? [] : this.pending.slice(Math.min(...failed));
    return response;
  }

  private async read(): Promise<DynamoDBRecord[]> {
    const { Table } = await testDynamo.send(new DescribeTableCommand({ TableName: this.tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (streamArn === undefined) throw new Error(`table ${this.tableName} has no stream`);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId!;
      const after = this.lastRead.get(id);
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ...(after === undefined ? { ShardIteratorType: 'TRIM_HORIZON' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }) }),
        )
      ).ShardIterator;
      while (iterator !== undefined) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const fresh = (page.Records ?? []) as DynamoDBRecord[];
        if (fresh.length === 0) break;
        records.push(...fresh.map((r) => ({ ...r, eventSource: 'aws:dynamodb', eventSourceARN: streamArn })));
        this.lastRead.set(id, fresh.at(-1)!.dynamodb!.SequenceNumber!);
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }
}

function loadRelay(): RelayHandler {
  process.env['EVENT_BUS_NAME'] ??= 'domain-bus';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../functions/outbox/relay-outbox') as { handler: RelayHandler }).handler;
}
