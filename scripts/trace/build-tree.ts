import type { Branch, Hop, HopOf, Story, StoryEvent } from './story-contract';
import type { Ending, EventNode, InvocationNode, RuleNode, TraceTree, WriteNode } from './trace-tree';

/** A queue, bus or function by its name, whether given as a name, an ARN or a queue URL. */
export const resourceName = (nameOrArn: string): string => nameOrArn.split(/[:/]/).pop() ?? nameOrArn;
const sameResource = (a: string, b: string) => resourceName(a) === resourceName(b);

const ofKind = <K extends Hop['kind']>(hops: readonly Hop[], kind: K): Array<HopOf<K>> => hops.filter((hop): hop is HopOf<K> => hop.kind === kind);

/**
 * The story of an order as a tree in time: the events a client placed at the roots, and under each
 * rule an event matched, the invocations of its target's function, their DynamoDB writes, and the
 * events those writes' outboxes published (linked by event id), each with its own subtree. An event
 * whose write is not in the story hangs under the event that caused it (`causedBy.eventId`), else at
 * the root; no event appears twice.
 */
export function buildTree(story: Story, order: TraceTree['order'], summaries: ReadonlyMap<string, string> = new Map()): TraceTree {
  const events = [...story.events].sort((a, b) => Date.parse(eventTime(a)) - Date.parse(eventTime(b)));
  const start = events.length === 0 ? 0 : Date.parse(eventTime(events[0]!));
  const offset = (time: string) => Date.parse(time) - start;

  // Hops are shared between events (a batch, an invocation, a write serve several); seq identifies one.
  const allHops = new Map<number, Hop>();
  for (const event of events) for (const hop of event.hops) allHops.set(hop.seq, hop);
  const pool = [...allHops.values()].sort((a, b) => a.seq - b.seq);
  const invocations = ofKind(pool, 'invocation');
  const writes = ofKind(pool, 'dynamodb-write');

  // The story's events of each order: a batch's other records of this order make its writes ambiguous.
  const eventsOfOrder = new Map<string, Set<string>>();
  for (const event of events) if (event.correlationId !== undefined) eventsOfOrder.set(event.correlationId, (eventsOfOrder.get(event.correlationId) ?? new Set()).add(event.eventId));

  const placed = new Set<StoryEvent>();
  const endings: Array<TraceTree['endings'][number]> = [];

  const buildEvent = (event: StoryEvent): EventNode => {
    placed.add(event);
    const rules = event.branches.map((branch) => buildRule(event, branch));
    // Linked only through `causedBy` (its write is not in the story): straight under its cause.
    const caused = events.filter((other) => !placed.has(other) && other.causedBy?.eventId === event.eventId && other.eventId !== event.eventId);
    const orphans = caused.map((other) => buildEvent(other));
    const put = ofKind(event.hops, 'put-events').find((hop) => hop.eventBridgeId === event.eventBridgeId);
    // Who called PutEvents (the outbox relay), rather than whose write held it (its parent in the tree).
    const by = put?.by ?? event.publishedBy ?? event.causedBy;
    return {
      eventId: event.eventId,
      source: event.source,
      detailType: event.detailType,
      ...(summaries.has(event.eventId) ? { summary: summaries.get(event.eventId)! } : {}),
      bus: event.bus,
      time: eventTime(event),
      offsetMs: offset(eventTime(event)),
      ...(by === undefined ? {} : { publishedBy: { function: by.function, requestId: by.requestId } }),
      rules,
      caused: orphans,
      unmatched: unmatchedRules(event),
    };
  };

  const buildRule = (event: StoryEvent, branch: Branch): RuleNode => {
    const target = resourceName(branch.target);
    // This event's copy (a forwarded event shares its id with the original, not its EventBridge id).
    const ours = (hop: { eventBridgeId?: string | undefined }) => hop.eventBridgeId === undefined || hop.eventBridgeId === event.eventBridgeId;
    const deliveries = ofKind(event.hops, 'target').filter((hop) => hop.rule === branch.rule && ours(hop));
    const sends = ofKind(event.hops, 'sqs-send').filter((hop) => sameResource(hop.queue, branch.target));
    const isQueue = branch.target.includes(':sqs:') || sends.length > 0;
    const messageIds = new Set([...sends.map((hop) => hop.messageId), ...deliveries.flatMap((hop) => (hop.messageId === undefined ? [] : [hop.messageId]))]);
    // The batches that held this event's message; by the queue's name where the recorder lists no messages.
    const batches = isQueue
      ? ofKind(event.hops, 'batch').filter((hop) => (hop.messageIds !== undefined ? hop.messageIds.some((id) => messageIds.has(id)) : sameResource(hop.source, branch.target)))
      : [];
    const batchIds = new Set(batches.map((hop) => hop.batchId));
    const batchSize = new Map(batches.map((hop) => [hop.batchId, hop.size]));
    const functions = new Set(batches.map((hop) => hop.function));
    const ran = invocations.filter((hop) => (hop.batchId !== undefined ? batchIds.has(hop.batchId) : functions.has(hop.function) && hop.eventIds.includes(event.eventId)));

    const invocationNodes = ran.map((hop, index): InvocationNode => {
      const recordFailed = hop.result !== 'success' || (hop.batchItemFailures ?? []).some((id) => messageIds.has(id));
      const size = hop.batchId === undefined ? undefined : batchSize.get(hop.batchId);
      return {
        offsetMs: offset(hop.time),
        function: hop.function,
        requestId: hop.requestId,
        attempt: index + 1,
        cold: hop.cold,
        durationMs: hop.durationMs,
        result: hop.result,
        recordFailed,
        ...(hop.error === undefined ? {} : { error: hop.error }),
        ...(size === undefined ? {} : { batchSize: size }),
        writes: writes.filter((write) => write.requestId === hop.requestId).flatMap((write) => {
          const owner = writeOwner(write, event, hop, size, eventsOfOrder);
          return owner === 'other' ? [] : [buildWrite(write, owner === 'batch')];
        }),
      };
    });
    // The event's copy on the bus this rule targets (the recorder names targets, buses included, by name).
    const forwarded = events
      .filter((other) => other !== event && !placed.has(other) && other.eventId === event.eventId && other.bus !== undefined && sameResource(other.bus, branch.target))
      .map((other) => buildEvent(other));
    const end: Ending = { state: branch.state, ...(branch.where === undefined ? {} : { where: resourceName(branch.where) }), ...(branch.reason === undefined ? {} : { reason: branch.reason }) };
    endings.push({ eventId: event.eventId, rule: branch.rule, ...end });
    return {
      rule: branch.rule,
      target: branch.target,
      ...(isQueue ? { queue: target } : {}),
      deliveryProblems: deliveries
        .filter((hop) => hop.outcome !== 'delivered')
        .map((hop) => ({ offsetMs: offset(hop.time), attempt: hop.attempt, outcome: hop.outcome, ...(hop.error === undefined ? {} : { error: hop.error }) })),
      invocations: invocationNodes,
      forwarded,
      end,
    };
  };

  const buildWrite = (write: HopOf<'dynamodb-write'>, ofTheBatch: boolean): WriteNode => {
    const published: EventNode[] = [];
    const unpublished: string[] = [];
    for (const id of write.outboxEventIds) {
      const copies = events.filter((other) => other.eventId === id);
      if (copies.length === 0) {
        unpublished.push(id);
        endings.push({ eventId: id, state: 'in-flight', where: `the stream of table ${resourceName(write.table)}`, reason: 'written to the outbox, not published yet' });
      }
      // A copy already placed was published again (a relay's retry): shown once, where first seen.
      for (const copy of copies) if (!placed.has(copy)) published.push(buildEvent(copy));
    }
    return {
      offsetMs: offset(write.time),
      table: resourceName(write.table),
      operation: write.operation,
      keys: write.keys,
      ...(write.ok === false ? { refused: write.error ?? 'refused' } : {}),
      ...(ofTheBatch ? { ofTheBatch } : {}),
      published,
      unpublished,
    };
  };

  const roots: EventNode[] = [];
  for (const event of events) if (!placed.has(event)) roots.push(buildEvent(event));

  const orderId = story.matchedBy === 'correlationId' ? story.id : events.find((event) => event.correlationId !== undefined)?.correlationId;
  return {
    id: story.id,
    matchedBy: story.matchedBy === 'eventId' ? 'eventId' : 'correlationId',
    from: 'flight-recorder',
    ...(orderId === undefined ? {} : { orderId }),
    ...(order === undefined ? {} : { order }),
    ...(events.length === 0 ? {} : { startedAt: eventTime(events[0]!) }),
    events: roots,
    endings,
    truncated: story.truncated,
    limits: story.truncated ? ['the flight recorder dropped its oldest hops (its bound): the story may miss its beginning'] : [],
  };
}

/**
 * Whose write it is, in an invocation of several records: the recorder knows the invocation that
 * wrote, not the record (a batch's records are handled together). A key naming this event's id (the
 * audit store's) makes it this event's, one naming another record's event makes it that record's;
 * any other write of a batch of several is the batch's, shown as such.
 */
function writeOwner(write: HopOf<'dynamodb-write'>, event: StoryEvent, invocation: HopOf<'invocation'>, batchSize: number | undefined, eventsOfOrder: ReadonlyMap<string, ReadonlySet<string>>): 'this' | 'other' | 'batch' {
  const ours = new Set([event.eventId, event.eventBridgeId]);
  const keyText = JSON.stringify(write.keys);
  if ([...ours].some((id) => keyText.includes(id))) return 'this';
  if (invocation.eventIds.some((id) => !ours.has(id) && keyText.includes(id))) return 'other';
  // A batch of several orders: a write keyed by another order of the batch, and not by this one, is that order's.
  const order = event.correlationId;
  if (order !== undefined && !namesId(keyText, order) && invocation.correlationIds.some((id) => id !== order && namesId(keyText, id))) return 'other';
  if (batchSize === undefined || batchSize <= 1) return 'this';
  // Keyed by this order, and no other record of the batch is of this order: this record's.
  const sameOrder = order === undefined ? undefined : eventsOfOrder.get(order);
  const otherRecordOfOrder = invocation.eventIds.some((id) => !ours.has(id) && sameOrder?.has(id) === true);
  return order !== undefined && namesId(keyText, order) && !otherRecordOfOrder ? 'this' : 'batch';
}

/** Whether `text` holds `id` whole (`ord-1` is not in `ORDER#ord-10`). */
function namesId(text: string, id: string): boolean {
  let at = text.indexOf(id);
  const part = /[\w-]/;
  while (at >= 0) {
    if (!part.test(text[at - 1] ?? '') && !part.test(text[at + id.length] ?? '')) return true;
    at = text.indexOf(id, at + 1);
  }
  return false;
}

/** When the event was accepted: its PutEvents hop (to the millisecond), else the time the story gives. */
function eventTime(event: StoryEvent): string {
  return ofKind(event.hops, 'put-events').find((hop) => hop.eventBridgeId === event.eventBridgeId)?.time ?? event.time;
}

/** Rules of the event's source that did not match, with the first field that failed, once each. */
function unmatchedRules(event: StoryEvent): Array<{ rule: string; field: string }> {
  if (event.unmatched !== undefined) return event.unmatched.map(({ rule, field }) => ({ rule, field }));
  // Without the recorder's list: the rule hops, less the rules of other sources.
  const byRule = new Map<string, string>();
  for (const hop of ofKind(event.hops, 'rule')) if (!hop.matched && hop.field !== undefined && hop.field !== 'source' && !byRule.has(hop.rule)) byRule.set(hop.rule, hop.field);
  return [...byRule].map(([rule, field]) => ({ rule, field }));
}
