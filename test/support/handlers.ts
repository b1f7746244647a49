import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { eventBridge } from '../../functions/shared/clients';
import { lambdaContext, sqsEvent } from './events';
import { OutboxStream } from './outbox';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Loads a handler module the way Lambda does: environment first, then module load (its init phase).
 * `path` is relative to `functions/`, without extension.
 */
export function loadHandler(modulePath: string, env: Record<string, string>): Handler {
  Object.assign(process.env, { MAX_RECEIVE_COUNT: '5', FAILURE_TABLE_NAME: 'no-failure-table', ...env });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(`../../functions/${modulePath}`) as { handler: Handler }).handler;
}

/**
 * Intercepts the EventBridge client the handlers share: what they publish is captured instead of
 * sent (AWS cannot be reached here). Entries succeed unless `failWith` says otherwise.
 */
export function captureEvents() {
  const mock = mockClient(eventBridge);
  const published: PutEventsRequestEntry[] = [];
  let failures: Array<(entry: PutEventsRequestEntry) => string | undefined> = [];
  mock.on(PutEventsCommand).callsFake(({ Entries = [] }: { Entries?: PutEventsRequestEntry[] }) => {
    const results = Entries.map((entry) => {
      const errorCode = failures.map((fail) => fail(entry)).find((code) => code !== undefined);
      if (errorCode !== undefined) return { ErrorCode: errorCode, ErrorMessage: 'injected by the test' };
      published.push(entry);
      return { EventId: randomUUID() };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  });
  return {
    mock,
    published,
    /** Details of the published entries of one detail-type. */
    details<T = { metadata: { correlationId: string; version: number }; data: Record<string, unknown> }>(detailType: string): T[] {
      return published.filter((e) => e.DetailType === detailType).map((e) => JSON.parse(e.Detail ?? '{}') as T);
    },
    failEntries(rule: (entry: PutEventsRequestEntry) => string | undefined) {
      failures.push(rule);
    },
    reset() {
      published.length = 0;
      failures = [];
      mock.resetHistory();
    },
  };
}

const outboxes: OutboxStream[] = [];

/** The tables whose outboxes `invoke` publishes after each handler run (through the real relay). */
export function publishOutboxesOf(...tableNames: string[]): void {
  outboxes.push(...tableNames.map((name) => new OutboxStream(name)));
}

/** Publishes what the registered tables' outboxes owe, as the relay on their streams would. */
export async function flushOutboxes(): Promise<void> {
  for (const outbox of outboxes) await outbox.flush();
}

/** Runs a handler on one SQS batch of the given EventBridge events (or raw bodies), then publishes its outbox. */
export async function invoke(handler: Handler, ...bodies: unknown[]): Promise<SQSBatchResponse> {
  const response = await handler(sqsEvent(...bodies), lambdaContext());
  await flushOutboxes();
  return response;
}

/** The failed message ids of a batch response, for assertions. */
export const failedIds = (response: SQSBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);
