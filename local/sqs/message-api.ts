import { SqsErrors } from './errors';
import { md5, md5OfMessageAttributes, messageBytes, validateSystemAttributes, type MessageAttributes } from './message-attributes';
import { validateFifoId } from './message-ids';
import type { Received, SendInput, SendResult, SqsQueue } from './queue';

/**
 * The message operations' request and response shapes (SendMessage[Batch], ReceiveMessage,
 * DeleteMessage[Batch], ChangeMessageVisibility[Batch]): what the API takes and answers, apart from
 * what a queue does with messages (queue.ts).
 */
type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

/** The most a batch may carry, bodies and attributes together (1 MiB: test_send_message_batch_with_oversized_contents). */
export const MAX_BATCH_BYTES = 1_048_576;
const MAX_BATCH_ENTRIES = 10;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Reads a SendMessage request (or a SendMessageBatch entry) into what a queue takes. `httpTraceHeader`
 * is the request's `X-Amzn-Trace-Id`: it becomes every message's AWSTraceHeader, unless the message
 * gives that system attribute itself, which overrides it (X-Ray developer guide, "Amazon SQS and AWS X-Ray").
 */
export function sendInput(input: Input, inBatch = false, httpTraceHeader?: string): SendInput {
  const traceHeader = validateSystemAttributes(input['MessageSystemAttributes'] as MessageAttributes | undefined) ?? httpTraceHeader;
  return {
    body: input['MessageBody'],
    ...(input['DelaySeconds'] === undefined || input['DelaySeconds'] === null ? {} : { delaySeconds: Number(input['DelaySeconds']) }),
    ...(input['MessageAttributes'] === undefined || input['MessageAttributes'] === null ? {} : { attributes: input['MessageAttributes'] as MessageAttributes }),
    ...(traceHeader === undefined ? {} : { traceHeader }),
    ...(typeof input['MessageGroupId'] === 'string' ? { groupId: input['MessageGroupId'] } : {}),
    ...(typeof input['MessageDeduplicationId'] === 'string' ? { dedupId: input['MessageDeduplicationId'] } : {}),
    ...(inBatch ? { inBatch } : {}),
  };
}

/**
 * SendMessage's answer. The digests are of what this request sent (a FIFO duplicate answers with
 * the first message's id, but the SDKs check the digests against their own request).
 */
export function sendResult(result: SendResult, input: SendInput, queue: SqsQueue): Output {
  const { message } = result;
  const md5OfAttributes = result.duplicate ? md5OfMessageAttributes(input.attributes) : message.md5OfAttributes;
  const md5OfSystemAttributes = result.duplicate
    ? input.traceHeader === undefined
      ? undefined
      : md5OfMessageAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: input.traceHeader } })
    : message.md5OfSystemAttributes;
  return {
    MessageId: message.id,
    MD5OfMessageBody: result.duplicate ? md5(String(input.body)) : message.md5OfBody,
    ...(md5OfAttributes === undefined ? {} : { MD5OfMessageAttributes: md5OfAttributes }),
    ...(md5OfSystemAttributes === undefined ? {} : { MD5OfMessageSystemAttributes: md5OfSystemAttributes }),
    ...(queue.fifo ? { SequenceNumber: message.sequenceNumber } : {}),
  };
}

/** The batch operations and the entry type their EmptyBatchRequest error names. */
export type BatchOperation = 'SendMessageBatch' | 'DeleteMessageBatch' | 'ChangeMessageVisibilityBatch';

/** Checks a batch request as SQS does before looking at any entry: 1-10 entries with distinct, well-formed ids. */
export function batchEntries(input: Input, operation: BatchOperation): Input[] {
  const entries = input['Entries'];
  if (!Array.isArray(entries) || entries.length === 0) throw SqsErrors.emptyBatchRequest(`${operation}RequestEntry`);
  if (entries.length > MAX_BATCH_ENTRIES) throw SqsErrors.tooManyEntries(entries.length);
  const ids = new Set<string>();
  for (const entry of entries as Input[]) {
    const id = entry['Id'];
    if (typeof id !== 'string' || !BATCH_ID.test(id)) throw SqsErrors.invalidBatchEntryId();
    if (ids.has(id)) throw SqsErrors.batchEntryIdsNotDistinct(id);
    ids.add(id);
  }
  return entries as Input[];
}

/**
 * What fails a whole SendMessageBatch rather than one entry: the total size, and on a FIFO queue an
 * entry without a deduplication id (and no content-based deduplication) or without a group id
 * (test_send_batch_missing_deduplication_id_for_fifo_queue, test_send_batch_missing_message_group_id_for_fifo_queue).
 */
export function checkSendBatch(entries: readonly Input[], queue: SqsQueue): void {
  const bytes = entries.reduce((sum, entry) => sum + messageBytes(entry['MessageBody'], entry['MessageAttributes'] as MessageAttributes | undefined), 0);
  if (bytes > MAX_BATCH_BYTES) throw SqsErrors.batchRequestTooLong(bytes, MAX_BATCH_BYTES);
  if (!queue.fifo) return;
  if (entries.some((entry) => entry['MessageGroupId'] === undefined || entry['MessageGroupId'] === null)) {
    throw SqsErrors.invalidParameterValue('The request must contain the parameter MessageGroupId.');
  }
  const contentBased = queue.settableAttributes['ContentBasedDeduplication'] === 'true';
  if (!contentBased && entries.some((entry) => entry['MessageDeduplicationId'] === undefined || entry['MessageDeduplicationId'] === null)) {
    throw SqsErrors.invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
}

/**
 * Runs each entry alone: one entry's error is reported for it, never stops the others. `Successful`
 * and `Failed` are left out when empty, as AWS leaves them out
 * (test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size has no `Failed`).
 */
export function perEntry(entries: readonly Input[], run: (entry: Input) => Output): Output {
  const Successful: Output[] = [];
  const Failed: Output[] = [];
  for (const entry of entries) {
    try {
      Successful.push(run(entry));
    } catch (error) {
      const e = error as { type?: string; message: string; status?: number; queryError?: string };
      Failed.push({ Id: entry['Id'], SenderFault: (e.status ?? 400) < 500, Code: batchErrorCode(e), Message: e.message });
    }
  }
  return { ...(Successful.length > 0 ? { Successful } : {}), ...(Failed.length > 0 ? { Failed } : {}) };
}

/**
 * A failed batch entry's `Code`: the query-compatible code without SQS's namespace (`InvalidParameterValue`,
 * as test_send_batch_message_size recorded), which is the shape's name for every error SQS models.
 */
function batchErrorCode(error: { type?: string; queryError?: string }): string {
  const code = error.queryError?.split(';')[0] ?? error.type?.split('#').pop() ?? 'InternalError';
  return code.replace(/^AWS\.SimpleQueueService\./, '');
}

/** ReceiveMessage's limits, checked with the wording AWS uses for each (test_send_receive_max_number_of_messages, test_send_receive_wait_time_seconds). */
export interface ReceiveOptions {
  readonly max: number;
  readonly visibilityTimeout: number | undefined;
  readonly waitSeconds: number | undefined;
  /** System attribute names asked for (AttributeNames and MessageSystemAttributeNames together). */
  readonly systemNames: readonly string[];
  readonly attributeNames: readonly string[];
  /** FIFO queues: a retry with the same id answers the same messages. */
  readonly attemptId: string | undefined;
}

export function receiveOptions(input: Input): ReceiveOptions {
  const max = integerParameter(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.');
  const visibilityTimeout = integerParameter(input, 'VisibilityTimeout', 0, 43_200, 'Must be between 0 and 43200, if provided.');
  const waitSeconds = integerParameter(input, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.');
  return {
    max: max ?? 1,
    visibilityTimeout,
    waitSeconds,
    systemNames: [...stringList(input['AttributeNames']), ...stringList(input['MessageSystemAttributeNames'])],
    attributeNames: stringList(input['MessageAttributeNames']),
    attemptId: input['ReceiveRequestAttemptId'] === undefined || input['ReceiveRequestAttemptId'] === null ? undefined : validateFifoId(input['ReceiveRequestAttemptId'], 'ReceiveRequestAttemptId'),
  };
}

function integerParameter(input: Input, name: string, min: number, max: number, reason: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw SqsErrors.invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`);
  }
  return number;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** ReceiveMessage's answer: `Messages` is left out when nothing was received (test_receive_empty_queue). */
export function receiveResult(received: readonly Received[], options: ReceiveOptions): Output {
  if (received.length === 0) return {};
  return { Messages: received.map((r) => formatReceived(r, options)) };
}

/** The system attributes a message can carry, in the order AWS lists them. */
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
] as const;

function formatReceived(received: Received, options: ReceiveOptions): Output {
  const { message, receiptHandle } = received;
  const wantAll = options.systemNames.includes('All');
  const system: Record<(typeof SYSTEM_ATTRIBUTES)[number], string | undefined> = {
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
    if (value !== undefined && (wantAll || options.systemNames.includes(name))) Attributes[name] = value;
  }
  const out: Output = { MessageId: message.id, ReceiptHandle: receiptHandle, MD5OfBody: message.md5OfBody, Body: message.body };
  if (Object.keys(Attributes).length > 0) out['Attributes'] = Attributes;
  const picked = pickAttributes(message.attributes, options.attributeNames);
  if (picked !== undefined) {
    out['MessageAttributes'] = picked;
    // The digest covers only the attributes returned (test_receive_message_message_attribute_names_filters).
    out['MD5OfMessageAttributes'] = md5OfMessageAttributes(picked);
  }
  return out;
}

/**
 * The message attributes a receive asked for: `All`, `*` and `.*` ask for every one, `prefix.*` for
 * those whose name starts with `prefix`, anything else for the attribute of that name; a name no
 * attribute has (even an illegal one) is no error.
 */
function pickAttributes(attributes: MessageAttributes | undefined, patterns: readonly string[]): MessageAttributes | undefined {
  if (attributes === undefined || patterns.length === 0) return undefined;
  const wanted = (name: string) =>
    patterns.some((pattern) => pattern === 'All' || pattern === '*' || pattern === '.*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -2))));
  const picked = Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted(name)));
  return Object.keys(picked).length > 0 ? picked : undefined;
}
