import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CatalogEvent, EventContract, EventData } from '../../functions/events/contract';

export const EVENTS_DIR = path.join(__dirname, '..', 'events');

/** A test event file, `test/events/<source>/<variant>.json`: an EventBridge event as a rule delivers it. */
export function loadTestEvent<T = CatalogEvent<EventContract>>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(EVENTS_DIR, relative), 'utf8')) as T;
}

/** Every test event file of the catalog's sources (not the deliberately invalid ones). */
export function listTestEvents(): string[] {
  return fs
    .readdirSync(EVENTS_DIR)
    .filter((dir) => dir !== 'invalid')
    .flatMap((dir) => fs.readdirSync(path.join(EVENTS_DIR, dir)).map((file) => `${dir}/${file}`))
    .sort();
}

/** A catalog event with a fresh id unless given, as EventBridge would deliver it. */
export function catalogEvent<C extends EventContract>(
  contract: C,
  data: EventData<C>,
  overrides: { id?: string; time?: string; correlationId?: string; version?: number } = {},
): CatalogEvent<C> {
  return {
    version: '0',
    id: overrides.id ?? randomUUID(),
    'detail-type': contract.detailType,
    source: contract.source,
    account: '111111111111',
    time: overrides.time ?? new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      metadata: { version: overrides.version ?? contract.version, correlationId: overrides.correlationId ?? String((data as { orderId?: string }).orderId) },
      data,
    },
  };
}

/** Wraps bodies (objects are JSON-encoded, strings kept as they are) into one SQS batch. */
export function sqsEvent(...bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map(
      (body, index): SQSRecord => ({
        messageId: `msg-${index}-${randomUUID().slice(0, 8)}`,
        receiptHandle: `rh-${index}`,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDAEVENTBRIDGE',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:test-queue',
        awsRegion: 'us-east-1',
      }),
    ),
  };
}

/** A Lambda context with the fields Powertools reads. */
export function lambdaContext(functionName = 'test-function'): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111111111111:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
