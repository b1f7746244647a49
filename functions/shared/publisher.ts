import { randomUUID } from 'node:crypto';
import { PutEventsCommand, type PutEventsRequestEntry, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventContract, EventData } from '../events/contract';
import type { OutboxEntry } from './outbox';
import { currentTraceHeader } from './trace-context';
import { PublishError } from './errors';

/**
 * An entry ready for PutEvents, built from a contract so its detail is typed and versioned, with an
 * id of its own that stays the same when the entry is published again (see `EventMetadata.eventId`),
 * and the trace header of the record being handled (the order's trace goes on with it).
 */
export function eventEntry<C extends EventContract>(
  contract: C,
  data: EventData<C>,
  correlationId: string,
): OutboxEntry {
  const traceHeader = currentTraceHeader();
  return {
    Source: contract.source,
    DetailType: contract.detailType,
    Detail: JSON.stringify({ metadata: { version: contract.version, correlationId, occurredAt: new Date().toISOString(), eventId: randomUUID() }, data }),
    ...(traceHeader === undefined ? {} : { TraceHeader: traceHeader }),
  };
}

export interface PublisherOptions {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  /** Attempts per entry, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff between attempts. @default 50 ms */
  readonly baseDelayMs?: number;
}

const MAX_ENTRIES_PER_CALL = 10;

/**
 * Publishes entries in PutEvents calls of at most 10. Entries that come back failed
 * (`FailedEntryCount` > 0) are retried with backoff; entries that still fail raise a `PublishError`
 * naming each one, so the record fails instead of losing the event.
 */
export class Publisher {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(private readonly options: PublisherOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 50;
  }

  async publish(entries: readonly PutEventsRequestEntry[]): Promise<void> {
    let pending: PutEventsRequestEntry[] = entries.map((entry) => ({ ...entry, EventBusName: this.options.eventBusName }));
    let failures: Array<PublishError['failures'][number]> = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const next: PutEventsRequestEntry[] = [];
      failures = [];
      for (let i = 0; i < pending.length; i += MAX_ENTRIES_PER_CALL) {
        const chunk = pending.slice(i, i + MAX_ENTRIES_PER_CALL);
        const response = await this.options.client.send(new PutEventsCommand({ Entries: chunk }));
        if ((response.FailedEntryCount ?? 0) === 0) continue;
        // Results are positional: the n-th result belongs to the n-th entry of the request.
        chunk.forEach((entry, index) => {
          const result = response.Entries?.[index];
          if (result?.EventId !== undefined && result.ErrorCode === undefined) return;
          next.push(entry);
          failures.push({
            detailType: entry.DetailType ?? '(none)',
            errorCode: result?.ErrorCode ?? 'MissingResult',
            errorMessage: result?.ErrorMessage ?? 'PutEvents returned no result for this entry',
          });
        });
      }
      if (next.length === 0) return;
      if (attempt >= this.maxAttempts) {
        const summary = failures.map((f) => `${f.detailType}: ${f.errorCode} ${f.errorMessage}`).join('; ');
        throw new PublishError(`${next.length} event(s) not published after ${attempt} attempts: ${summary}`, failures);
      }
      await delay(this.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      pending = next;
    }
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
