import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * The X-Ray trace header of the record being handled (its SQS `AWSTraceHeader`, which EventBridge set
 * from the `TraceHeader` of the PutEvents that published the event). Events a handler writes to its
 * outbox carry it on, so the relay's PutEvents continues the same trace: one trace per order, from
 * the PutEvents that placed it to the last hop, with no tracing SDK in the bundle.
 */
const current = new AsyncLocalStorage<string | undefined>();

/** Runs `work` with `traceHeader` as the current record's trace header. */
export function withTraceHeader<T>(traceHeader: string | undefined, work: () => T): T {
  return current.run(traceHeader, work);
}

/**
 * The trace header outcome events should carry: the record's, else the invocation's own (Lambda's
 * `_X_AMZN_TRACE_ID`, set for every invocation, `Sampled=1` when active tracing is on), else none.
 */
export function currentTraceHeader(): string | undefined {
  const header = current.getStore() ?? process.env['_X_AMZN_TRACE_ID'];
  return header === undefined || header === '' ? undefined : header;
}

/** The trace id (`Root=...`) of a trace header, what X-Ray's console and search take. */
export function traceIdOf(traceHeader: string | undefined): string | undefined {
  return /(?:^|;)\s*Root=([^;]+)/.exec(traceHeader ?? '')?.[1];
}

/** A new sampled trace header, for a client starting an order's trace (as the X-Ray SDK would on PutEvents). */
export function newTraceHeader(now = Date.now()): string {
  return `Root=1-${Math.floor(now / 1000).toString(16).padStart(8, '0')}-${randomBytes(12).toString('hex')};Sampled=1`;
}
