import { createHash, randomUUID } from 'node:crypto';

/** An SQS message as an event source mapping hands it to a function. */
export interface SqsRecordInput {
  readonly messageId?: string;
  readonly body: string;
  readonly receiptHandle?: string;
  readonly receiveCount?: number;
  readonly sentTimestamp?: number;
  readonly firstReceiveTimestamp?: number;
}

/** Builds the `{Records: [...]}` event Lambda's SQS event source delivers, field for field. */
export function sqsEvent(records: readonly SqsRecordInput[], queueArn: string, region: string): { Records: unknown[] } {
  return {
    Records: records.map((record) => ({
      messageId: record.messageId ?? randomUUID(),
      receiptHandle: record.receiptHandle ?? randomUUID(),
      body: record.body,
      attributes: {
        ApproximateReceiveCount: String(record.receiveCount ?? 1),
        SentTimestamp: String(record.sentTimestamp ?? Date.now()),
        SenderId: 'AIDAEVENTBRIDGE',
        ApproximateFirstReceiveTimestamp: String(record.firstReceiveTimestamp ?? Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(record.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}
