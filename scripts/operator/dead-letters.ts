import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListMessageMoveTasksCommand, SendMessageCommand, StartMessageMoveTaskCommand, type Message } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { failureKey } from '../../functions/shared/failure-log';
import { deadLetterQueues, output } from '../outputs';
import type { ShopClient } from '../shop-client';
import { receiveAll } from './receive-all';
import { redriveStreamFailures } from './stream-redrive';

export interface DeadLetter {
  readonly queue: string;
  readonly messageId: string;
  readonly reason: string;
  readonly receiveCount: number;
  readonly ageSeconds: number;
  readonly body: string;
}

/** The DLQs a tool acts on: one by name (`RecordOrderDeadLetterQueue`, `record-order`) or `all`. */
export function selectQueues(shop: ShopClient, which: string | undefined): Array<{ name: string; url: string }> {
  if (which === undefined) throw new Error('name a dead-letter queue or "all"');
  const all = deadLetterQueues(shop.outputs);
  if (which === 'all') return all;
  const normalize = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/deadletterqueue$/, '');
  const picked = all.filter((q) => normalize(q.name) === normalize(which));
  if (picked.length === 0) throw new Error(`no dead-letter queue named "${which}"; the app has: ${all.map((q) => q.name).join(', ')}`);
  return picked;
}

/**
 * Every message of a DLQ, peeked: received (long polling, up to the queue's count: `receiveAll`),
 * then made visible again at once. Receiving is the only way SQS lets one read a queue, so each
 * listing adds one to the messages' receive counts.
 */
export async function peek(shop: ShopClient, url: string): Promise<Message[]> {
  const messages = await receiveAll(shop, url, { visibilityTimeout: 60 });
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await shop.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })) }));
  }
  return messages;
}

/**
 * Why a message is in its DLQ. EventBridge says it in the message (ERROR_CODE, ERROR_MESSAGE); an
 * outbox relay's on-failure record describes the stream batch it gave up on; for a message SQS moved
 * after maxReceiveCount, the handler kept the reason in its service's failure table, found through
 * the function's configuration (`XDeadLetterQueue` belongs to function `XFunctionName`).
 */
export async function reasonOf(shop: ShopClient, queueName: string, message: Message): Promise<string> {
  const attributes = message.MessageAttributes ?? {};
  if (attributes['ERROR_CODE'] !== undefined) {
    return `${attributes['ERROR_CODE'].StringValue}: ${attributes['ERROR_MESSAGE']?.StringValue ?? ''} (EventBridge could not deliver to ${attributes['TARGET_ARN']?.StringValue ?? 'its target'})`;
  }
  const stream = streamFailure(message.Body);
  if (stream !== undefined) return stream;
  const hop = queueName.replace(/DeadLetterQueue$/, '');
  try {
    const functionName = output(shop.outputs, `${hop}FunctionName`);
    const config = await shop.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    const table = config.Environment?.Variables?.['FAILURE_TABLE_NAME'];
    if (table === undefined) return 'unknown (the function has no FAILURE_TABLE_NAME)';
    const { Item } = await shop.dynamo.send(new GetCommand({ TableName: table, Key: failureKey(message.MessageId!) }));
    if (Item === undefined) return `unknown: the function failed as a whole (timeout, crash or error) without a record reason; see the logs of ${functionName}`;
    return `${String(Item['errorName'])}: ${String(Item['reason'])}`;
  } catch (error) {
    return `unknown (${(error as Error).message})`;
  }
}

/** The reason an outbox relay's on-failure record gives (Lambda's record of a stream batch given up on). */
function streamFailure(body: string | undefined): string | undefined {
  try {
    const record = JSON.parse(body ?? '') as {
      requestContext?: { condition?: string; approximateInvokeCount?: number };
      responseContext?: { functionError?: string | null };
      DDBStreamBatchInfo?: { batchSize?: number; shardId?: string; startSequenceNumber?: string; endSequenceNumber?: string; streamArn?: string };
    };
    const batch = record.DDBStreamBatchInfo;
    if (batch === undefined) return undefined;
    const table = /table\/([^/]+)\/stream/.exec(batch.streamArn ?? '')?.[1] ?? 'its table';
    return (
      `${record.requestContext?.condition ?? 'Failed'} after ${record.requestContext?.approximateInvokeCount ?? '?'} invocations` +
      `${record.responseContext?.functionError ? ` (${record.responseContext.functionError})` : ''}: ${batch.batchSize ?? '?'} stream records of ${table}, ` +
      `sequence numbers ${batch.startSequenceNumber}..${batch.endSequenceNumber} on ${batch.shardId}; their events are in the items' outbox`
    );
  } catch {
    return undefined;
  }
}

export async function listDeadLetters(shop: ShopClient, queues: Array<{ name: string; url: string }>): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  const now = Date.now();
  for (const queue of queues) {
    for (const message of await peek(shop, queue.url)) {
      out.push({
        queue: queue.name,
        messageId: message.MessageId!,
        reason: await reasonOf(shop, queue.name, message),
        // Less the receive of this listing.
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1) - 1,
        ageSeconds: Math.round((now - Number(message.Attributes?.SentTimestamp ?? now)) / 1000),
        body: message.Body ?? '',
      });
    }
  }
  return out;
}

/**
 * Moves DLQ messages back: a redrive DLQ with a message move task to the queues the messages came
 * from; a rule target's DLQ (EventBridge events SQS never held) by sending each event to the queue
 * its TARGET_ARN names; an outbox relay's on-failure queue by publishing the events of the stream
 * batches it describes (`redriveStreamFailures`). Resolves when the moves are done.
 */
export async function redrive(shop: ShopClient, queues: Array<{ name: string; url: string }>): Promise<Array<{ queue: string; moved: number; how: string; events?: number }>> {
  const results: Array<{ queue: string; moved: number; how: string; events?: number }> = [];
  for (const queue of queues) {
    if (queue.name.endsWith('RelayDeadLetterQueue')) {
      results.push(await redriveStreamFailures(shop, queue));
      continue;
    }
    const arn = await queueArn(shop, queue.url);
    if (!queue.name.endsWith('TargetDeadLetterQueue') && !queue.name.startsWith('Forward')) {
      const messages = await peek(shop, queue.url);
      if (messages.length === 0) {
        results.push({ queue: queue.name, moved: 0, how: 'empty' });
        continue;
      }
      await shop.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
      for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
        const task = (await shop.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn }))).Results?.[0];
        if (task?.Status === 'COMPLETED' || task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
          if (task.Status !== 'COMPLETED') throw new Error(`moving ${queue.name} ${task.Status}: ${task.FailureReason ?? ''}`);
          results.push({ queue: queue.name, moved: Number(task.ApproximateNumberOfMessagesMoved ?? 0), how: 'message move task' });
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      continue;
    }
    let moved = 0;
    for (;;) {
      const Messages = await receiveAll(shop, queue.url, { visibilityTimeout: 300 });
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const target = message.MessageAttributes?.['TARGET_ARN']?.StringValue;
        if (target === undefined || !target.includes(':sqs:')) continue; // not a queue target: left in place
        const { QueueUrl } = await shop.sqs.send(new GetQueueUrlCommand({ QueueName: target.split(':').pop()!, QueueOwnerAWSAccountId: target.split(':')[4] }));
        await shop.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: message.Body! }));
        await shop.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle! }));
        moved++;
      }
    }
    results.push({ queue: queue.name, moved, how: moved > 0 ? 'events sent to their target queue' : 'empty' });
  }
  return results;
}

async function queueArn(shop: ShopClient, url: string): Promise<string> {
  const { Attributes = {} } = await shop.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return Attributes['QueueArn']!;
}
