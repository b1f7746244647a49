import type { Clock } from '../clock';
import { SqsErrors } from './errors';
import { md5OfMessageAttributes, type MessageAttributes } from './message-attributes';
import { MoveTasks } from './move-tasks';
import { SqsQueue, type Received, type SendInput, type StoredMessage } from './queue';

export interface SqsServiceOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Base URL queue URLs are built on (the endpoint's). */
  readonly baseUrl: () => string;
  /** Fault injection: lose a delete (the message comes back: received twice). */
  readonly loseDelete?: () => boolean;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
];

/**
 * Amazon SQS, in memory: the queue registry and every operation of the JSON protocol, taking and
 * returning the API's shapes. Other services (EventBridge targets, event source mappings) use the
 * same queues in-process.
 */
export class SqsService {
  private readonly queues = new Map<string, SqsQueue>();
  readonly moveTasks: MoveTasks;
  private readonly listeners = new Set<(queue: SqsQueue) => void>();
  /** Counts requests by operation (the cost model reads it). */
  readonly requestCounts = new Map<string, number>();

  constructor(private readonly options: SqsServiceOptions) {
    this.moveTasks = new MoveTasks(this, options.clock);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Subscribes to "messages may have become available or moved" on any queue. */
  onChange(listener: (queue: SqsQueue) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  allQueues(): SqsQueue[] {
    return [...this.queues.values()];
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.options.region}:${this.options.accountId}:${name}`;
  }

  urlOf(name: string): string {
    return `${this.options.baseUrl()}/${this.options.accountId}/${name}`;
  }

  /** The queue a URL names (any host: the SDK may rewrite it), or QueueDoesNotExist. */
  queueByUrl(url: unknown): SqsQueue {
    if (typeof url !== 'string' || url === '') throw SqsErrors.missingParameter('QueueUrl');
    const name = url.replace(/\/+$/, '').split('/').pop() ?? '';
    return this.queueByName(name);
  }

  queueByName(name: string): SqsQueue {
    const queue = this.queues.get(name);
    if (queue === undefined) throw SqsErrors.queueDoesNotExist();
    return queue;
  }

  queueByArn(arn: unknown): SqsQueue {
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) {
      throw SqsErrors.invalidParameterValue(`Value ${String(arn)} for parameter arn is invalid. Reason: must be an SQS queue ARN.`);
    }
    const queue = this.findByArn(arn);
    if (queue === undefined) throw SqsErrors.resourceNotFound(`The resource that you specified for the SourceArn parameter doesn't exist.`);
    return queue;
  }

  findByArn(arn: string): SqsQueue | undefined {
    const parts = arn.split(':');
    if (parts[2] !== 'sqs' || parts.length !== 6) return undefined;
    return this.queues.get(parts[5]!);
  }

  /** Queues whose redrive policy sends to this one. */
  sourcesOf(deadLetterQueue: SqsQueue): SqsQueue[] {
    return this.allQueues().filter((q) => q.redrivePolicy?.deadLetterTargetArn === deadLetterQueue.arn);
  }

  async handle(operation: string, input: Input): Promise<Output> {
    this.requestCounts.set(operation, (this.requestCounts.get(operation) ?? 0) + 1);
    const handler = this.operations[operation];
    if (handler === undefined) return Promise.reject(unknownOperation(operation));
    return handler(input);
  }

  private readonly operations: Record<string, (input: Input) => Output | Promise<Output>> = {
    CreateQueue: (input) => ({ QueueUrl: this.createQueue(input['QueueName'], (input['Attributes'] as Input | undefined) ?? {}).url }),
    GetQueueUrl: (input) => ({ QueueUrl: this.queueByName(requireString(input, 'QueueName')).url }),
    ListQueues: (input) => this.listQueues(input),
    DeleteQueue: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      queue.destroy();
      this.queues.delete(queue.name);
      this.emit(queue);
      return {};
    },
    GetQueueAttributes: (input) => {
      const all = this.queueByUrl(input['QueueUrl']).allAttributes();
      const names = (input['AttributeNames'] as string[] | undefined) ?? [];
      if (names.length === 0) return {};
      if (names.includes('All')) return { Attributes: all };
      const picked: Record<string, string> = {};
      for (const name of names) {
        if (all[name] !== undefined) picked[name] = all[name];
        else if (!KNOWN_ATTRIBUTES.has(name)) throw SqsErrors.invalidAttributeName(name);
      }
      return { Attributes: picked };
    },
    SetQueueAttributes: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      const attributes = (input['Attributes'] as Input | undefined) ?? {};
      this.checkRedriveTarget(attributes);
      queue.setAttributes(attributes);
      return {};
    },
    SendMessage: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      return sendResult(queue.send(sendInput(input)).message, queue);
    },
    SendMessageBatch: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      const entries = batchEntries(input, (entry) => Buffer.byteLength(String(entry['MessageBody'] ?? '')));
      return perEntry(entries, (entry) => ({ Id: entry['Id'], ...sendResult(queue.send(sendInput(entry)).message, queue) }));
    },
    ReceiveMessage: async (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      const max = optionalInteger(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
      const visibility = optionalInteger(input, 'VisibilityTimeout', 0, 43_200);
      const wait = optionalInteger(input, 'WaitTimeSeconds', 0, 20) ?? Number(queue.settableAttributes['ReceiveMessageWaitTimeSeconds'] ?? 0);
      const received = await queue.receive(max, visibility, wait);
      const systemNames = [...((input['AttributeNames'] as string[] | undefined) ?? []), ...((input['MessageSystemAttributeNames'] as string[] | undefined) ?? [])];
      const attributeNames = (input['MessageAttributeNames'] as string[] | undefined) ?? [];
      return { Messages: received.map((r) => formatReceived(r, systemNames, attributeNames)) };
    },
    DeleteMessage: (input) => {
      this.queueByUrl(input['QueueUrl']).delete(requireString(input, 'ReceiptHandle'));
      return {};
    },
    DeleteMessageBatch: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      return perEntry(batchEntries(input), (entry) => {
        queue.delete(requireString(entry, 'ReceiptHandle'));
        return { Id: entry['Id'] };
      });
    },
    ChangeMessageVisibility: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      queue.changeVisibility(requireString(input, 'ReceiptHandle'), Number(input['VisibilityTimeout']));
      return {};
    },
    ChangeMessageVisibilityBatch: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      return perEntry(batchEntries(input), (entry) => {
        queue.changeVisibility(requireString(entry, 'ReceiptHandle'), Number(entry['VisibilityTimeout']));
        return { Id: entry['Id'] };
      });
    },
    PurgeQueue: (input) => {
      this.queueByUrl(input['QueueUrl']).purge();
      return {};
    },
    ListDeadLetterSourceQueues: (input) => ({ queueUrls: this.sourcesOf(this.queueByUrl(input['QueueUrl'])).map((q) => q.url) }),
    StartMessageMoveTask: (input) => ({ TaskHandle: this.moveTasks.start(input) }),
    ListMessageMoveTasks: (input) => ({ Results: this.moveTasks.list(input) }),
    CancelMessageMoveTask: (input) => ({ ApproximateNumberOfMessagesMoved: this.moveTasks.cancel(input) }),
    TagQueue: (input) => (this.queueByUrl(input['QueueUrl']), {}),
    UntagQueue: (input) => (this.queueByUrl(input['QueueUrl']), {}),
    ListQueueTags: (input) => (this.queueByUrl(input['QueueUrl']), { Tags: {} }),
  };

  createQueue(rawName: unknown, attributes: Input): SqsQueue {
    if (typeof rawName !== 'string' || rawName === '') throw SqsErrors.missingParameter('QueueName');
    const fifo = rawName.endsWith('.fifo') || attributes['FifoQueue'] === 'true' || attributes['FifoQueue'] === true;
    if (!(fifo ? FIFO_QUEUE_NAME : QUEUE_NAME).test(rawName)) {
      throw SqsErrors.invalidParameterValue(
        fifo
          ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
          : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    this.checkRedriveTarget(attributes);
    const existing = this.queues.get(rawName);
    const queue = new SqsQueue(rawName, this.arnOf(rawName), this.urlOf(rawName), attributes, {
      clock: this.options.clock,
      deadLetter: (source, message, targetArn) => this.deadLetter(source, message, targetArn),
      changed: (q) => this.emit(q),
      ...(this.options.loseDelete === undefined ? {} : { loseDelete: this.options.loseDelete }),
    });
    if (existing !== undefined) {
      // Creating an existing queue is idempotent when the attributes agree.
      const given = queue.settableAttributes;
      const current = existing.settableAttributes;
      const differs = Object.keys(attributes).some((name) => given[name] !== current[name]);
      queue.destroy();
      if (differs) throw SqsErrors.queueNameExists(rawName);
      return existing;
    }
    this.queues.set(rawName, queue);
    return queue;
  }

  /** Sends a message in-process (EventBridge targets, move tasks); same validation as SendMessage. */
  send(queue: SqsQueue, input: SendInput): StoredMessage {
    return queue.send(input).message;
  }

  private checkRedriveTarget(attributes: Input): void {
    const text = attributes['RedrivePolicy'];
    if (typeof text !== 'string' || text === '') return;
    let arn: unknown;
    try {
      arn = (JSON.parse(text) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    } catch {
      return; // the queue's own validation names the malformed policy
    }
    if (typeof arn === 'string' && arn.startsWith('arn:') && this.findByArn(arn) === undefined) {
      throw SqsErrors.invalidAttributeValue('RedrivePolicy', `Value ${text} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`);
    }
  }

  private deadLetter(source: SqsQueue, message: StoredMessage, targetArn: string): boolean {
    const target = this.findByArn(targetArn);
    if (target === undefined) {
      process.emitWarning(`queue ${source.name}: dead-letter queue ${targetArn} does not exist; the message stays in its queue`);
      return false;
    }
    target.send({
      id: message.id,
      body: message.body,
      ...(message.attributes ? { attributes: message.attributes } : {}),
      ...(message.traceHeader ? { traceHeader: message.traceHeader } : {}),
      ...(message.groupId ? { groupId: message.groupId, dedupId: message.dedupId ?? message.id } : {}),
      deadLetterSourceArn: source.arn,
      receiveCount: message.receiveCount,
      sentAt: message.sentAt,
      senderId: message.senderId,
      delaySeconds: 0,
    });
    return true;
  }

  private listQueues(input: Input): Output {
    const prefix = typeof input['QueueNamePrefix'] === 'string' ? input['QueueNamePrefix'] : '';
    const names = [...this.queues.keys()].filter((n) => n.startsWith(prefix)).sort();
    const max = optionalInteger(input, 'MaxResults', 1, 1000);
    if (max === undefined) return { QueueUrls: names.slice(0, 1000).map((n) => this.urlOf(n)) };
    const start = typeof input['NextToken'] === 'string' ? Number(Buffer.from(input['NextToken'], 'base64').toString()) || 0 : 0;
    const page = names.slice(start, start + max);
    const next = start + max < names.length ? { NextToken: Buffer.from(String(start + max)).toString('base64') } : {};
    return { QueueUrls: page.map((n) => this.urlOf(n)), ...next };
  }

  private emit(queue: SqsQueue): void {
    for (const listener of this.listeners) listener(queue);
  }
}

const KNOWN_ATTRIBUTES = new Set([
  'All', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed', 'CreatedTimestamp',
  'LastModifiedTimestamp', 'QueueArn', 'DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout', 'Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit',
]);

function unknownOperation(operation: string) {
  return SqsErrors.unsupportedOperation(`The action ${operation} is not valid for this endpoint.`);
}

function requireString(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw SqsErrors.missingParameter(name);
  return value;
}

function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw SqsErrors.invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`);
  }
  return number;
}

function sendInput(input: Input): SendInput {
  const system = input['MessageSystemAttributes'] as Record<string, { StringValue?: string }> | undefined;
  return {
    body: input['MessageBody'],
    ...(input['DelaySeconds'] === undefined ? {} : { delaySeconds: Number(input['DelaySeconds']) }),
    ...(input['MessageAttributes'] === undefined ? {} : { attributes: input['MessageAttributes'] as MessageAttributes }),
    ...(system?.['AWSTraceHeader']?.StringValue === undefined ? {} : { traceHeader: system['AWSTraceHeader'].StringValue }),
    ...(typeof input['MessageGroupId'] === 'string' ? { groupId: input['MessageGroupId'] } : {}),
    ...(typeof input['MessageDeduplicationId'] === 'string' ? { dedupId: input['MessageDeduplicationId'] } : {}),
  };
}

function sendResult(message: StoredMessage, queue: SqsQueue): Output {
  return {
    MessageId: message.id,
    MD5OfMessageBody: message.md5OfBody,
    ...(message.md5OfAttributes === undefined ? {} : { MD5OfMessageAttributes: message.md5OfAttributes }),
    ...(queue.fifo ? { SequenceNumber: message.sequenceNumber } : {}),
  };
}

/** Checks a batch request as SQS does: 1-10 entries, distinct well-formed ids, total size. */
function batchEntries(input: Input, sizeOf?: (entry: Input) => number): Input[] {
  const entries = input['Entries'];
  if (!Array.isArray(entries) || entries.length === 0) throw SqsErrors.emptyBatchRequest();
  if (entries.length > 10) throw SqsErrors.tooManyEntries(entries.length);
  const ids = new Set<string>();
  let bytes = 0;
  for (const entry of entries as Input[]) {
    const id = entry['Id'];
    if (typeof id !== 'string' || !BATCH_ID.test(id)) throw SqsErrors.invalidBatchEntryId();
    if (ids.has(id)) throw SqsErrors.batchEntryIdsNotDistinct(id);
    ids.add(id);
    bytes += sizeOf?.(entry) ?? 0;
  }
  if (bytes > 262_144) throw SqsErrors.batchRequestTooLong(bytes, 262_144);
  return entries as Input[];
}

/** Runs each entry alone: one entry's error is reported for it, never stops the others. */
function perEntry(entries: Input[], run: (entry: Input) => Output): Output {
  const Successful: Output[] = [];
  const Failed: Output[] = [];
  for (const entry of entries) {
    try {
      Successful.push(run(entry));
    } catch (error) {
      const e = error as { type?: string; message: string; status?: number };
      Failed.push({ Id: entry['Id'], SenderFault: (e.status ?? 400) < 500, Code: (e.type ?? 'InternalError').split('#').pop(), Message: e.message });
    }
  }
  return { Successful, Failed };
}

function formatReceived(received: Received, systemNames: string[], attributeNames: string[]): Output {
  const { message, receiptHandle } = received;
  const wantAll = systemNames.includes('All');
  const system: Record<string, string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt ?? message.sentAt),
    SequenceNumber: message.sequenceNumber,
    MessageDeduplicationId: message.dedupId,
    MessageGroupId: message.groupId,
    AWSTraceHeader: message.traceHeader,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const Attributes: Record<string, string> = {};
  for (const name of SYSTEM_ATTRIBUTES) {
    const value = system[name];
    if (value !== undefined && (wantAll || systemNames.includes(name))) Attributes[name] = value;
  }
  const out: Output = { MessageId: message.id, ReceiptHandle: receiptHandle, MD5OfBody: message.md5OfBody, Body: message.body };
  if (Object.keys(Attributes).length > 0) out['Attributes'] = Attributes;
  if (message.attributes !== undefined && attributeNames.length > 0) {
    const picked: MessageAttributes = {};
    for (const [name, value] of Object.entries(message.attributes)) {
      const wanted = attributeNames.some((pattern) => pattern === 'All' || pattern === '.*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))));
      if (wanted) picked[name] = value;
    }
    if (Object.keys(picked).length > 0) {
      out['MessageAttributes'] = picked;
      // The digest covers only the attributes returned, as SQS computes it.
      out['MD5OfMessageAttributes'] = md5OfMessageAttributes(picked);
    }
  }
  return out;
}
