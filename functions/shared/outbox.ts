import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/**
 * The attribute an effect's item carries its outcome events in: a JSON array of PutEvents entries
 * (without a bus). The table's stream shows the item as written, so the outbox relay publishes the
 * events of that very write; nothing else is needed to publish them (a transactional outbox).
 */
export const OUTBOX_ATTRIBUTE = 'outbox';

/** An event as the outbox keeps it: what PutEvents takes, without the bus (the relay's). */
export type OutboxEntry = Required<Pick<PutEventsRequestEntry, 'Source' | 'DetailType' | 'Detail'>> &
  /** The X-Ray trace header of the write's record, so the publication continues the order's trace. */
  Pick<PutEventsRequestEntry, 'TraceHeader'>;

/** Outcome events of a write: none, one, or several. An explicit `[]` says a write publishes nothing. */
export type Outcome = readonly OutboxEntry[];

/** The outbox attribute's value for a write's outcome, or undefined when it publishes nothing. */
export function outboxValue(outcome: Outcome): string | undefined {
  return outcome.length === 0 ? undefined : JSON.stringify(outcome.map(({ Source, DetailType, Detail, TraceHeader }) => ({ Source, DetailType, Detail, TraceHeader })));
}

/** Reads an outbox attribute back; throws naming the fault when it is not an array of entries. */
export function parseOutbox(value: string): OutboxEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`outbox is not JSON: ${JSON.stringify(value.slice(0, 80))}`);
  }
  if (!Array.isArray(parsed)) throw new Error('outbox is not an array of events');
  return parsed.map((entry: unknown, index) => {
    const e = entry as Partial<OutboxEntry> | null;
    if (typeof e?.Source !== 'string' || typeof e.DetailType !== 'string' || typeof e.Detail !== 'string') {
      throw new Error(`outbox entry ${index} needs string Source, DetailType and Detail`);
    }
    return { Source: e.Source, DetailType: e.DetailType, Detail: e.Detail, ...(typeof e.TraceHeader === 'string' ? { TraceHeader: e.TraceHeader } : {}) };
  });
}

/** The producer's id of an outbox entry (`detail.metadata.eventId`), which every publication keeps. */
export function outboxEventId(entry: OutboxEntry): string | undefined {
  try {
    const id = (JSON.parse(entry.Detail) as { metadata?: { eventId?: unknown } }).metadata?.eventId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A stream record as far as the outbox reads it: the images' outbox attribute. Lambda's stream
 * records and the DynamoDB Streams API's (an operator re-publishing a batch) both have this shape.
 */
export interface OutboxStreamRecord {
  readonly dynamodb?: { readonly NewImage?: StreamImage; readonly OldImage?: StreamImage };
}

type StreamImage = Readonly<Record<string, { readonly S?: string }>>;

/**
 * The events a stream record owes: those of the new image's outbox that the old image did not hold
 * already. A write that left an earlier outbox in place (a counter change on an item that once
 * published) publishes nothing again.
 */
export function owedEntries(record: OutboxStreamRecord): OutboxEntry[] {
  const outbox = (image: StreamImage | undefined) => {
    const value = image?.[OUTBOX_ATTRIBUTE]?.S;
    return value === undefined ? [] : parseOutbox(value);
  };
  const entries = outbox(record.dynamodb?.NewImage);
  if (entries.length === 0) return [];
  const before = new Set(outbox(record.dynamodb?.OldImage).map((entry) => outboxEventId(entry) ?? entry.Detail));
  return entries.filter((entry) => !before.has(outboxEventId(entry) ?? entry.Detail));
}
