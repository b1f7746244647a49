/**
 * An order's story as the trace shows it, and what `--json` prints: events in time, each with the
 * rules it matched (and those of its source it did not), what each rule's target did with it, and the
 * events the resulting writes published as children. Built from the flight recorder (`build-tree.ts`)
 * or, without one, from what AWS APIs keep (`aws-reconstruction.ts`).
 */

/** Where a branch of the story ended. */
export interface Ending {
  readonly state: 'done' | 'dead-letter' | 'in-flight' | 'failed' | 'dropped';
  /** The queue it waits in, the DLQ that holds it, or the function that failed it. */
  readonly where?: string;
  readonly reason?: string;
}

export interface WriteNode {
  readonly offsetMs: number;
  readonly table: string;
  readonly operation: string;
  readonly keys: ReadonlyArray<Record<string, unknown>>;
  /** DynamoDB refused the write (a condition, a conflict): its exception. */
  readonly refused?: string;
  /** Written by an invocation of several records, and not told apart by record (see `writeOwner`). */
  readonly ofTheBatch?: boolean;
  /** The events this write's outbox published, each with its own subtree. */
  readonly published: EventNode[];
  /** Outbox events no PutEvents was recorded for yet: still in the table's stream. */
  readonly unpublished: string[];
}

export interface InvocationNode {
  readonly offsetMs: number;
  readonly function: string;
  readonly requestId: string;
  /** 1 for the first invocation that got this event through this rule's queue, 2 for its retry, ... */
  readonly attempt: number;
  readonly cold: boolean;
  readonly durationMs: number;
  /** The invocation's result. */
  readonly result: 'success' | 'error' | 'timeout' | 'crash';
  /** Whether this event's own record failed (the invocation failed, or listed it in batchItemFailures). */
  readonly recordFailed: boolean;
  readonly error?: string;
  readonly batchSize?: number;
  readonly writes: WriteNode[];
}

export interface RuleNode {
  readonly rule: string;
  readonly target: string;
  /** The queue the target is, when it is one. */
  readonly queue?: string;
  /** EventBridge's delivery attempts that did not simply succeed (retries, a target DLQ). */
  readonly deliveryProblems: ReadonlyArray<{ readonly offsetMs: number; readonly attempt: number; readonly outcome: string; readonly error?: string }>;
  readonly invocations: InvocationNode[];
  /** The event itself on another bus, when the target is a bus. */
  readonly forwarded: EventNode[];
  readonly end: Ending;
}

export interface EventNode {
  readonly eventId: string;
  readonly source: string;
  readonly detailType: string;
  /** What it says, from its payload in the audit store (`event-summaries.ts`), when recorded there. */
  readonly summary?: string;
  readonly bus?: string;
  readonly time: string;
  readonly offsetMs: number;
  /** The function whose PutEvents published it (an outbox relay), when not a client. */
  readonly publishedBy?: { readonly function: string; readonly requestId: string };
  readonly rules: RuleNode[];
  /** Events it caused whose write the story does not hold (linked by the recorder's `causedBy` only). */
  readonly caused: EventNode[];
  readonly unmatched: ReadonlyArray<{ readonly rule: string; readonly field: string }>;
}

export interface TraceTree {
  /** What was asked for. */
  readonly id: string;
  readonly matchedBy: 'correlationId' | 'eventId';
  /** What the story was built from. */
  readonly from: 'flight-recorder' | 'aws-apis';
  readonly orderId?: string;
  /** The order's item in the Orders table now (null: none there), or undefined when it could not be read. */
  readonly order?: { readonly status: string; readonly cancelReason?: string } | null;
  /** The time offsets count from here: the first event. */
  readonly startedAt?: string;
  /** Events nothing in the story published (placed by a client), and those whose cause is not in it. */
  readonly events: EventNode[];
  /** Every branch's end, in the order the tree shows them. */
  readonly endings: ReadonlyArray<Ending & { readonly eventId: string; readonly rule?: string }>;
  /** The recorder forgot older hops (its bound): the story may miss its beginning. */
  readonly truncated: boolean;
  /** Messages of this order in dead-letter queues, with their reasons (the AWS reconstruction reads them). */
  readonly deadLetters?: ReadonlyArray<{ readonly queue: string; readonly messageId: string; readonly reason: string; readonly receiveCount: number; readonly eventId?: string }>;
  /** What this story cannot show from where it was built, said plainly. */
  readonly limits: string[];
  /** The X-Ray trace of the order, when known (on AWS, the invocations are there). */
  readonly traceId?: string;
}

/**
 * Every event of a tree, depth first, with the detail-types from its root to it: an event's children
 * are what it caused, its copies forwarded to other buses, and what its handlers' writes published.
 */
export function walkEvents(events: readonly EventNode[]): Array<{ readonly event: EventNode; readonly path: readonly string[] }> {
  const out: Array<{ event: EventNode; path: string[] }> = [];
  const visit = (event: EventNode, above: string[]) => {
    const path = [...above, event.detailType];
    out.push({ event, path });
    event.caused.forEach((child) => visit(child, path));
    for (const rule of event.rules) {
      rule.forwarded.forEach((child) => visit(child, path));
      for (const invocation of rule.invocations) for (const write of invocation.writes) write.published.forEach((child) => visit(child, path));
    }
  };
  events.forEach((root) => visit(root, []));
  return out;
}
