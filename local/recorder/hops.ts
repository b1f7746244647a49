/**
 * The flight recorder's hops: one thing that happened to an event, a message or an invocation, with
 * its time. The shapes are the route contract the trace CLI and the console read (see
 * /work/helpers/common16.md, "Recorder route contract"): fields may be added, never renamed.
 */

/** Who made an AWS call: the invocation whose `X-Amzn-Trace-Id` it carried. */
export interface Caller {
  readonly function: string;
  readonly requestId: string;
}

export type HopData =
  | {
      kind: 'put-events';
      bus: string;
      source: string;
      detailType: string;
      eventBridgeId: string;
      /** The producer's id (`detail.metadata.eventId`), when the event has one. */
      eventId?: string;
      by?: Caller;
      /** How many rules the bus had: only matched and same-source rules get a `rule` hop. */
      rulesOnBus: number;
    }
  | { kind: 'rule'; bus: string; rule: string; matched: boolean; field?: string; eventBridgeId: string }
  | {
      kind: 'target';
      bus: string;
      rule: string;
      target: string;
      outcome: 'delivered' | 'retry' | 'dead-letter' | 'dropped';
      /** 1 for the first attempt. */
      attempt: number;
      error?: string;
      eventBridgeId: string;
      /** The SQS message the delivery became (SQS targets). */
      messageId?: string;
      /** The target's dead-letter queue (outcome `dead-letter`). */
      deadLetterQueue?: string;
    }
  | { kind: 'sqs-send'; queue: string; messageId: string }
  | { kind: 'sqs-receive'; queue: string; messageId: string; receiveCount: number }
  | { kind: 'sqs-visibility-expired'; queue: string; messageId: string; receiveCount: number }
  | { kind: 'sqs-delete'; queue: string; messageId: string }
  | { kind: 'sqs-dead-letter'; queue: string; deadLetterQueue: string; messageId: string; receiveCount: number }
  | {
      kind: 'batch';
      mapping: string;
      function: string;
      /** The queue's or the table's name. */
      source: string;
      size: number;
      batchId: string;
      /** SQS message ids, or stream record ids (`eventID`). */
      messageIds: string[];
    }
  | {
      kind: 'invocation';
      function: string;
      requestId: string;
      batchId?: string;
      /** The execution environment: its log stream name in the function's log group. */
      sandbox: string;
      cold: boolean;
      durationMs: number;
      result: 'success' | 'error' | 'timeout' | 'crash';
      error?: string;
      /** The item identifiers of a partial batch response. */
      batchItemFailures?: string[];
      /** `_X_AMZN_TRACE_ID` the invocation ran with. */
      traceHeader?: string;
    }
  | {
      kind: 'dynamodb-write';
      table: string;
      operation: string;
      keys: Array<Record<string, unknown>>;
      requestId?: string;
      function?: string;
      outboxEventIds: string[];
      /** Whether DynamoDB accepted it; `error` names its exception when not. */
      ok: boolean;
      error?: string;
    };

export type HopKind = HopData['kind'];

/** A hop as the recorder keeps it: `at` in epoch ms (rendered as `time`), ids it may learn later. */
export type StoredHop = HopData & {
  readonly seq: number;
  readonly at: number;
  eventIds: readonly string[];
  correlationIds: readonly string[];
};

/** A hop as the routes answer it. */
export type Hop = StoredHop extends infer H ? (H extends StoredHop ? Omit<H, 'at'> & { time: string } : never) : never;

/** The route's form of a stored hop (time as ISO 8601). */
export function renderHop(hop: StoredHop): Hop {
  const { at, ...rest } = hop;
  return { ...rest, time: new Date(at).toISOString() } as Hop;
}

/** Ids an event (or what carries it) is known by. */
export interface Ids {
  readonly eventIds: readonly string[];
  readonly correlationIds: readonly string[];
}

export const NO_IDS: Ids = { eventIds: [], correlationIds: [] };
