import { renderHop, type Caller, type Hop, type StoredHop } from './hops';
import type { Recorder } from './recorder';

/** Where one delivery of an event ended (see the route contract in recorder-contract.md). */
export interface Branch {
  target: string;
  rule: string;
  state: 'done' | 'dead-letter' | 'in-flight' | 'failed' | 'dropped';
  where?: string;
  reason?: string;
}

export interface StoryEvent {
  eventId: string;
  eventBridgeId: string;
  source: string;
  detailType: string;
  bus: string;
  correlationId?: string;
  time: string;
  /** The invocation whose write (outbox) or call published it, and the event that invocation handled. */
  causedBy?: Caller & { eventId?: string };
  /** The invocation that called PutEvents (the outbox relay), when not the one in `causedBy`. */
  publishedBy?: Caller;
  hops: Hop[];
  branches: Branch[];
  unmatched: Array<{ rule: string; bus: string; field: string }>;
}

export interface Story {
  id: string;
  matchedBy: 'correlationId' | 'eventId' | 'none';
  /** Some of the story's hops were evicted from the bounded recorder. */
  truncated: boolean;
  events: StoryEvent[];
}

/**
 * An order's (correlation id's) or an event's story: every event, in time order, with its hops and
 * where each of its deliveries ended. An event id gives that event and the events it led to.
 */
export function buildStory(recorder: Recorder, id: string): Story {
  const byCorrelation = recorder.lookup(`c:${id}`);
  if (byCorrelation.length > 0) {
    const events = storyEvents(recorder, byCorrelation);
    return { id, matchedBy: 'correlationId', truncated: isTruncated(recorder, events), events };
  }
  const byEvent = recorder.lookup(`e:${id}`);
  if (byEvent.length === 0) return { id, matchedBy: 'none', truncated: false, events: [] };
  const own = eventHops(byEvent).filter((hop) => hop.eventIds.includes(id));
  const correlationId = own.flatMap((hop) => hop.correlationIds)[0];
  const all = storyEvents(recorder, correlationId === undefined ? own : recorder.lookup(`c:${correlationId}`));
  // The event (each publication of it) and every event it led to.
  const wanted = new Set(all.filter((event) => event.eventId === id || event.eventBridgeId === id).map((event) => event.eventId));
  for (let grew = true; grew; ) {
    grew = false;
    for (const event of all) {
      if (!wanted.has(event.eventId) && event.causedBy?.eventId !== undefined && wanted.has(event.causedBy.eventId)) {
        wanted.add(event.eventId);
        grew = true;
      }
    }
  }
  const events = all.filter((event) => wanted.has(event.eventId));
  return { id, matchedBy: 'eventId', truncated: isTruncated(recorder, events), events };
}

/** The hops that name an event on a bus (PutEvents, rules, targets). */
function eventHops(hops: readonly StoredHop[]): Array<Extract<StoredHop, { eventBridgeId: string }>> {
  return hops.filter((hop): hop is Extract<StoredHop, { eventBridgeId: string }> => hop.kind === 'put-events' || hop.kind === 'rule' || hop.kind === 'target');
}

function storyEvents(recorder: Recorder, hops: readonly StoredHop[]): StoryEvent[] {
  const first = new Map<string, StoredHop>();
  for (const hop of eventHops(hops)) {
    const known = first.get(hop.eventBridgeId);
    if (known === undefined || (known.kind !== 'put-events' && hop.kind === 'put-events')) first.set(hop.eventBridgeId, hop);
  }
  return [...first.entries()].sort(([, a], [, b]) => a.seq - b.seq).map(([eventBridgeId, hop]) => storyEvent(recorder, eventBridgeId, hop));
}

function storyEvent(recorder: Recorder, eventBridgeId: string, firstHop: StoredHop): StoryEvent {
  const hops = recorder.lookup(`e:${eventBridgeId}`); // in seq order (the recorder's index keeps it)
  const put = firstHop.kind === 'put-events' ? firstHop : undefined;
  const eventId = put?.eventId ?? (firstHop.eventIds.length > 1 ? firstHop.eventIds[0]! : eventBridgeId);
  const causedBy = cause(recorder, eventId);
  const publishedBy = put?.by !== undefined && put.by.requestId !== causedBy?.requestId ? put.by : undefined;
  const correlationId = firstHop.correlationIds[0];
  return {
    eventId,
    eventBridgeId,
    source: put?.source ?? '',
    detailType: put?.detailType ?? '',
    bus: put?.bus ?? (firstHop.kind === 'rule' || firstHop.kind === 'target' ? firstHop.bus : ''),
    ...(correlationId === undefined ? {} : { correlationId }),
    time: new Date(firstHop.at).toISOString(),
    ...(causedBy === undefined ? (put?.by === undefined ? {} : { causedBy: { ...put.by, ...eventOf(recorder, put.by.requestId) } }) : { causedBy }),
    ...(publishedBy === undefined ? {} : { publishedBy }),
    hops: hops.map(renderHop),
    branches: branches(recorder, hops.filter((hop) => hop.kind === 'target' && hop.eventBridgeId === eventBridgeId)),
    unmatched: hops.flatMap((hop) => (hop.kind === 'rule' && hop.eventBridgeId === eventBridgeId && !hop.matched ? [{ rule: hop.rule, bus: hop.bus, field: hop.field ?? '' }] : [])),
  };
}

/** The invocation whose accepted write holds the event in its outbox, and the event it was handling. */
function cause(recorder: Recorder, eventId: string): (Caller & { eventId?: string }) | undefined {
  for (const hop of recorder.lookup(`e:${eventId}`)) {
    if (hop.kind === 'dynamodb-write' && hop.ok && hop.outboxEventIds.includes(eventId) && hop.requestId !== undefined && hop.function !== undefined) {
      return { function: hop.function, requestId: hop.requestId, ...eventOf(recorder, hop.requestId) };
    }
  }
  return undefined;
}

/** The (first) event an invocation handled: its batch's first message's event. */
function eventOf(recorder: Recorder, requestId: string): { eventId?: string } {
  const invocation = recorder.lookup(`r:${requestId}`).find((hop) => hop.kind === 'invocation');
  if (invocation?.kind !== 'invocation' || invocation.batchId === undefined) return {};
  const batch = recorder.lookup(`b:${invocation.batchId}`).find((hop) => hop.kind === 'batch');
  if (batch?.kind !== 'batch') return {};
  for (const messageId of batch.messageIds) {
    const target = recorder.lookup(`m:${messageId}`).find((hop) => hop.kind === 'target');
    if (target !== undefined && target.eventIds.length > 0) return { eventId: target.eventIds[0]! };
  }
  return {};
}

/** Where each (rule, target) delivery of the event ended. */
function branches(recorder: Recorder, targetHops: readonly StoredHop[]): Branch[] {
  // The last attempt of each (rule, target); a second delivered copy (a duplicate delivery) is a branch of its own.
  const last = new Map<string, Array<Extract<StoredHop, { kind: 'target' }>>>();
  for (const hop of targetHops) {
    if (hop.kind !== 'target') continue;
    const key = `${hop.rule}\n${hop.target}`;
    const list = last.get(key) ?? last.set(key, []).get(key)!;
    const previous = list.at(-1);
    if (previous !== undefined && !(previous.outcome === 'delivered' && hop.outcome === 'delivered')) list.pop();
    list.push(hop);
  }
  return [...last.values()].flat().map((hop): Branch => {
    const base = { target: hop.target, rule: hop.rule };
    switch (hop.outcome) {
      case 'retry':
        return { ...base, state: 'in-flight', where: hop.target, reason: `retrying delivery (attempt ${hop.attempt} failed: ${hop.error ?? 'unknown error'})` };
      case 'dead-letter':
        return { ...base, state: 'dead-letter', ...(hop.deadLetterQueue === undefined ? {} : { where: hop.deadLetterQueue }), reason: `delivery failed after ${hop.attempt} attempt(s): ${hop.error ?? 'unknown error'}` };
      case 'dropped':
        return { ...base, state: 'dropped', reason: hop.error ?? 'delivery failed and the event was dropped' };
      case 'delivered':
        return hop.messageId === undefined ? { ...base, state: 'done', where: hop.target } : { ...base, ...messageFate(recorder, hop.messageId, hop.target) };
    }
  });
}

/** What became of an SQS message: processed, parked in a DLQ (and why), failed and waiting, or waiting. */
function messageFate(recorder: Recorder, messageId: string, queue: string): Pick<Branch, 'state' | 'where' | 'reason'> {
  const hops = recorder.lookup(`m:${messageId}`);
  let state: Pick<Branch, 'state' | 'where' | 'reason'> = { state: 'in-flight', where: queue };
  let lastFailure: string | undefined;
  let deadLetterQueue: string | undefined;
  for (const hop of hops) {
    if (hop.kind === 'batch') {
      const invocation = recorder.lookup(`b:${hop.batchId}`).find((h) => h.kind === 'invocation');
      if (invocation?.kind !== 'invocation') continue; // still running
      const failed = invocation.result !== 'success' ? `${invocation.function} ${invocation.result}: ${invocation.error ?? 'unknown error'}` : invocation.batchItemFailures?.includes(messageId) ? `${invocation.function} reported it in batchItemFailures` : undefined;
      lastFailure = failed;
      state = failed === undefined ? { state: 'done', where: invocation.function } : { state: 'failed', where: hop.source, reason: `${failed}; it returns to ${hop.source} after its visibility timeout` };
    } else if (hop.kind === 'sqs-dead-letter') {
      deadLetterQueue = hop.deadLetterQueue;
      state = { state: 'dead-letter', where: hop.deadLetterQueue, reason: `received ${hop.receiveCount} times from ${hop.queue} (maxReceiveCount)${lastFailure === undefined ? '' : `; last attempt: ${lastFailure}`}` };
    } else if (hop.kind === 'sqs-delete') {
      if (hop.queue === deadLetterQueue) state = { state: 'dropped', where: hop.queue, reason: `deleted from the dead-letter queue ${hop.queue}` };
      else if (state.state !== 'done') state = { state: 'done', where: hop.queue };
    } else if (hop.kind === 'sqs-send' && deadLetterQueue !== undefined && hop.queue !== deadLetterQueue) {
      // Redriven out of the dead-letter queue: waiting again.
      state = { state: 'in-flight', where: hop.queue };
      deadLetterQueue = undefined;
    }
  }
  return state;
}

/** Whether the ring has dropped hops this story needed (an event seen without its PutEvents). */
function isTruncated(recorder: Recorder, events: readonly StoryEvent[]): boolean {
  if (recorder.lastSeq <= recorder.capacity) return false;
  return events.some((event) => event.hops[0]?.kind !== 'put-events');
}
