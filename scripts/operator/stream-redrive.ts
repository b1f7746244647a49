import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { owedEntries, type OutboxEntry } from '../../functions/shared/outbox';
import { Publisher } from '../../functions/shared/publisher';
import { clientConfig } from '../client-config';
import { output } from '../outputs';
import { receiveAll } from './receive-all';
import type { ShopClient } from '../shop-client';

/** The stream batch a relay's on-failure record describes (Lambda's `DDBStreamBatchInfo`). */
export interface StreamBatch {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly streamArn: string;
}

/** The batch an on-failure record describes, or undefined when the message is not one. */
export function streamBatchOf(body: string | undefined): StreamBatch | undefined {
  try {
    const batch = (JSON.parse(body ?? '') as { DDBStreamBatchInfo?: Partial<StreamBatch> }).DDBStreamBatchInfo;
    const { shardId, startSequenceNumber, endSequenceNumber, streamArn } = batch ?? {};
    if (shardId === undefined || startSequenceNumber === undefined || endSequenceNumber === undefined || streamArn === undefined) return undefined;
    return { shardId, startSequenceNumber, endSequenceNumber, streamArn };
  } catch {
    return undefined;
  }
}

/** Empty reads in a row after which a shard is taken not to hold the batch's last record any more. */
const MAX_EMPTY_READS = 10;

/**
 * The stream records of a batch, read through the DynamoDB Streams API from its first sequence number
 * to its last. The stream is found by its table and label (ListStreams), so an emulator that names
 * its streams with an ARN of its own serves the same batch. Throws when the shard no longer holds
 * the records (a stream keeps them 24 hours).
 */
export async function readBatch(streams: DynamoDBStreamsClient, batch: StreamBatch): Promise<_Record[]> {
  const [, table, label] = /table\/([^/]+)\/stream\/(.+)$/.exec(batch.streamArn) ?? [];
  const listed = table === undefined ? [] : ((await streams.send(new ListStreamsCommand({ TableName: table }))).Streams ?? []);
  const streamArn = listed.find((s) => s.StreamArn?.endsWith(`/stream/${label}`))?.StreamArn ?? batch.streamArn;
  const first = await streams.send(
    new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: batch.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: batch.startSequenceNumber }),
  );
  const end = BigInt(batch.endSequenceNumber);
  const records: _Record[] = [];
  let iterator = first.ShardIterator;
  for (let empty = 0; iterator !== undefined; ) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    for (const record of page.Records ?? []) {
      // Sequence numbers are decimal strings of any length: compared as numbers, not as text.
      if (BigInt(record.dynamodb?.SequenceNumber ?? '0') > end) return records;
      records.push(record);
      if (BigInt(record.dynamodb?.SequenceNumber ?? '0') === end) return records;
    }
    empty = (page.Records ?? []).length === 0 ? empty + 1 : 0;
    if (empty >= MAX_EMPTY_READS) break;
    iterator = page.NextShardIterator;
  }
  throw new Error(`shard ${batch.shardId} ends before sequence number ${batch.endSequenceNumber}`);
}

/**
 * Redrives an outbox relay's on-failure queue: each message describes a stream batch the relay gave
 * up on, whose events are still in the stream records' images. They are read back through the
 * Streams API and published as the relay publishes them (the events each write added to its item's
 * outbox, with the producer's event ids, to the relay's bus), then the message is deleted. Publishing
 * again what was published before the batch failed is safe: consumers deduplicate on the event id,
 * and so is a redrive interrupted between publishing and deleting.
 */
export async function redriveStreamFailures(shop: ShopClient, queue: { name: string; url: string }): Promise<{ queue: string; moved: number; how: string; events: number }> {
  const relay = output(shop.outputs, `${queue.name.replace(/DeadLetterQueue$/, '')}FunctionName`);
  const config = await shop.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: relay }));
  const bus = config.Environment?.Variables?.['EVENT_BUS_NAME'];
  if (bus === undefined) throw new Error(`${relay} has no EVENT_BUS_NAME: is it an outbox relay?`);
  const publisher = new Publisher({ client: shop.events, eventBusName: bus, maxAttempts: 10 });
  const streams = new DynamoDBStreamsClient(clientConfig(shop.endpoint));
  let moved = 0;
  let events = 0;
  const problems: string[] = [];
  try {
    for (;;) {
      const Messages = await receiveAll(shop, queue.url, { visibilityTimeout: 300, attributes: false });
      const mine = Messages.filter((m) => streamBatchOf(m.Body) !== undefined);
      // Messages that describe no stream batch are left in place, visible again.
      for (const m of Messages.filter((m) => !mine.includes(m))) {
        await shop.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
      }
      if (mine.length === 0) break;
      for (const message of mine) {
        const batch = streamBatchOf(message.Body)!;
        let owed: OutboxEntry[];
        try {
          owed = (await readBatch(streams, batch)).filter((r) => r.eventName !== 'REMOVE').flatMap((record) => owedEntries(record));
        } catch (error) {
          // Left in the queue (visible again once its visibility timeout passes) with the reason reported.
          problems.push(`${batch.startSequenceNumber}..${batch.endSequenceNumber}: ${(error as Error).message}`);
          continue;
        }
        await publisher.publish(owed);
        await shop.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle! }));
        moved++;
        events += owed.length;
      }
    }
  } finally {
    streams.destroy();
  }
  const how = moved === 0 && problems.length === 0 ? 'empty' : `stream batches re-published from the table's stream: ${events} events${problems.length > 0 ? `; not redriven: ${problems.join('; ')}` : ''}`;
  return { queue: queue.name, moved, how, events };
}
