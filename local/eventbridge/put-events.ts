import { randomUUID } from 'node:crypto';
import { EventsErrors } from './errors';

/** An event as EventBridge delivers it to targets, with its fields in AWS's order. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  'replay-name'?: string;
}

export interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Resources?: unknown;
  Time?: unknown;
  EventBusName?: unknown;
  TraceHeader?: unknown;
}

export type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const MAX_REQUEST_BYTES = 262_144;

/**
 * Checks the request as a whole: 1-10 entries and at most 256 KB, measured as AWS does. Too many
 * entries is a model constraint, so AWS's message prints the list the way its Java front end does
 * (recorded on AWS: test_events.py::TestEvents::test_put_events_exceed_limit_ten_entries).
 */
export function validatePutEventsRequest(entries: unknown): PutEventsEntry[] {
  if (entries === undefined || entries === null) {
    throw EventsErrors.validation("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
  }
  if (!Array.isArray(entries) || !entries.every((entry) => entry !== null && typeof entry === 'object' && !Array.isArray(entry))) {
    throw EventsErrors.validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: every entry must be a PutEventsRequestEntry object");
  }
  const list = entries as PutEventsEntry[];
  if (list.length === 0) {
    throw EventsErrors.validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  if (list.length > 10) {
    throw EventsErrors.validation(`1 validation error detected: Value '[${list.map(renderEntry).join(', ')}]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10`);
  }
  const size = list.reduce((total, entry) => total + entrySize(entry), 0);
  if (size > MAX_REQUEST_BYTES) throw EventsErrors.validation('Total size of the entries in the request is over the limit.');
  return list;
}

/** An entry as AWS's Java front end prints it in validation messages (`null` for members not given). */
function renderEntry(entry: PutEventsEntry): string {
  const text = (value: unknown) => (value === undefined || value === null ? 'null' : Array.isArray(value) ? `[${value.map(String).join(', ')}]` : String(value));
  const time = entry.Time === undefined || entry.Time === null ? 'null' : javaDate(entry.Time);
  return (
    `PutEventsRequestEntry(time=${time}, source=${text(entry.Source)}, resources=${text(entry.Resources)}, detailType=${text(entry.DetailType)}, ` +
    `detail=${text(entry.Detail)}, eventBusName=${text(entry.EventBusName)}, traceHeader=${text(entry.TraceHeader)}, kmsKeyIdentifier=null, internalMetadata=null)`
  );
}

/** java.util.Date#toString in UTC: `Sat Jan 01 00:00:00 UTC 2022`. */
function javaDate(value: unknown): string {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(String(value));
  if (!Number.isFinite(ms)) return String(value);
  const date = new Date(ms);
  const [weekday, day, month, year, clock] = date.toUTCString().replace(',', '').split(' ') as [string, string, string, string, string];
  return `${weekday} ${month} ${day} ${clock} UTC ${year}`;
}

/** AWS's entry size: 14 bytes for Time if present, plus the UTF-8 bytes of Source, DetailType, Detail and Resources. */
export function entrySize(entry: PutEventsEntry): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce((sum: number, r) => sum + bytes(r), 0) : 0;
  return (entry.Time === undefined ? 0 : 14) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

/**
 * Builds the event of one entry, or the per-entry error AWS answers for it. A rejected entry never
 * stops the others of its request.
 */
export function buildEvent(entry: PutEventsEntry, context: { account: string; region: string; now: number }): BusEvent | { ErrorCode: string; ErrorMessage: string } {
  const required = (name: string, value: unknown) =>
    typeof value === 'string' && value !== '' ? undefined : { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.` };
  const missing = required('Source', entry.Source) ?? required('DetailType', entry.DetailType) ?? required('Detail', entry.Detail);
  if (missing !== undefined) return missing;
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  if (entry.Resources !== undefined && (!Array.isArray(entry.Resources) || !entry.Resources.every((r) => typeof r === 'string'))) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Resources is not valid. Reason: Resources must be a list of strings.' };
  }
  const time = eventTime(entry.Time, context.now);
  if (time === undefined) return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter Time is not valid. Reason: ${String(entry.Time)} is not a timestamp.` };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType as string,
    source: entry.Source as string,
    account: context.account,
    time,
    region: context.region,
    resources: (entry.Resources as string[] | undefined) ?? [],
    detail: detail as Record<string, unknown>,
  };
}

/** EventBridge times have second precision: `2026-11-22T10:00:00Z`. The SDK sends epoch seconds. */
function eventTime(value: unknown, now: number): string | undefined {
  let ms: number;
  if (value === undefined || value === null) ms = now;
  else if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string') ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
