import { createHash, randomUUID } from 'node:crypto';

/** A message attribute as SQS stores it (the JSON protocol's shape; binary values as base64 text). */
export interface SqsMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** An SQS message as an event source mapping hands it to a function. */
export interface SqsRecordInput {
  readonly messageId?: string;
  readonly body: string;
  readonly receiptHandle?: string;
  readonly receiveCount?: number;
  readonly sentTimestamp?: number;
  readonly firstReceiveTimestamp?: number;
  /** The sender's identity (SQS's `SenderId`). @default an IAM user id */
  readonly senderId?: string;
  readonly messageAttributes?: Readonly<Record<string, SqsMessageAttribute>>;
  readonly md5OfMessageAttributes?: string;
  /** `AWSTraceHeader`, when the sender passed one. */
  readonly traceHeader?: string;
  /** FIFO queues: the group, deduplication id and sequence number. */
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly sequenceNumber?: string;
  /** Set on a message a redrive policy moved into this queue. */
  readonly deadLetterSourceArn?: string;
}

/**
 * Builds the `{Records: [...]}` event Lambda's SQS event source delivers, field for field: system
 * attributes as strings (FIFO ones only on FIFO queues), message attributes in camelCase with empty
 * list members, and `md5OfMessageAttributes` only when the message has attributes.
 */
export function sqsEvent(records: readonly SqsRecordInput[], queueArn: string, region: string): { Records: unknown[] } {
  return { Records: records.map((record) => sqsRecord(record, queueArn, region)) };
}

function sqsRecord(record: SqsRecordInput, queueArn: string, region: string): Record<string, unknown> {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(record.receiveCount ?? 1),
    ...(record.traceHeader === undefined ? {} : { AWSTraceHeader: record.traceHeader }),
    SentTimestamp: String(record.sentTimestamp ?? Date.now()),
    ...(record.sequenceNumber === undefined ? {} : { SequenceNumber: record.sequenceNumber }),
    ...(record.groupId === undefined ? {} : { MessageGroupId: record.groupId }),
    SenderId: record.senderId ?? 'AIDAEVENTBRIDGE',
    ...(record.dedupId === undefined ? {} : { MessageDeduplicationId: record.dedupId }),
    ApproximateFirstReceiveTimestamp: String(record.firstReceiveTimestamp ?? Date.now()),
    ...(record.deadLetterSourceArn === undefined ? {} : { DeadLetterQueueSourceArn: record.deadLetterSourceArn }),
  };
  const messageAttributes = Object.fromEntries(Object.entries(record.messageAttributes ?? {}).map(([name, value]) => [name, lambdaAttribute(value)]));
  return {
    messageId: record.messageId ?? randomUUID(),
    receiptHandle: record.receiptHandle ?? randomUUID(),
    body: record.body,
    attributes,
    messageAttributes,
    ...(record.md5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: record.md5OfMessageAttributes }),
    md5OfBody: createHash('md5').update(record.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** A message attribute as Lambda renders it: camelCase, the list members always present (and empty). */
function lambdaAttribute(value: SqsMessageAttribute): Record<string, unknown> {
  return {
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined ? {} : { binaryValue: value.BinaryValue }),
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType,
  };
}
