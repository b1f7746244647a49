import type { ObservedWrite } from '../dynamodb/dynamodb-proxy';
import type { DeliveryAttempt, DeliveryTarget } from '../eventbridge/delivery';
import type { EventObserver } from '../eventbridge/eventbridge-service';
import type { BusEvent } from '../eventbridge/put-events';
import type { BatchSource, InvocationObserver, LocalFunction } from '../lambda/lambda-service';
import type { InvokeOutcome } from '../lambda/sandbox';
import { traceField } from '../lambda/trace-header';
import type { QueueObserver, SqsQueue, StoredMessage } from '../sqs/queue';
import { outboxIds, plainKey, writtenItems } from './dynamodb-writes';
import { NO_IDS, type Caller, type HopData, type Ids } from './hops';
import type { Recorder } from './recorder';

/** An invocation under way: who it is and the ids of what it handled, wrote and published. */
interface Running {
  readonly caller: Caller;
  readonly batchId?: string;
  readonly eventIds: Set<string>;
  readonly correlationIds: Set<string>;
}

export interface ObserverOptions {
  /** A table's key attribute names, when known; `later` is called once they are (a DescribeTable). */
  readonly keyNames?: (table: string, later: (names: readonly string[]) => void) => readonly string[] | undefined;
  /** Told once if an observer fails (a recorder bug must never break the cloud). */
  readonly log?: (message: string) => void;
}

/** The callbacks each service takes, feeding one recorder. Services never import the recorder. */
export interface RecorderObservers {
  readonly events: EventObserver;
  readonly queues: QueueObserver;
  readonly invocations: InvocationObserver;
  readonly dynamodbWrite: (write: ObservedWrite) => void;
}

/**
 * Builds the services' observers over a recorder. Links hops as they happen: a delivery's SQS
 * message id, a batch's messages, an invocation's batch, and (through the `Parent` of the
 * `X-Amzn-Trace-Id` a handler's SDK sends) the invocation behind a PutEvents call or a DynamoDB write.
 */
export function recorderObservers(recorder: Recorder, options: ObserverOptions = {}): RecorderObservers {
  const eventIdsCache = new WeakMap<BusEvent, Ids>();
  /** Invocations under way by their trace header's `Parent` (Lambda gives each invocation its own). */
  const byParent = new Map<string, Running>();
  let failed = false;
  const safely =
    <A extends unknown[]>(work: (...args: A) => void) =>
    (...args: A): void => {
      try {
        work(...args);
      } catch (error) {
        if (!failed) options.log?.(`flight recorder: ${(error as Error).stack ?? String(error)}`);
        failed = true;
      }
    };

  const idsOfEvent = (event: BusEvent): Ids => {
    let ids = eventIdsCache.get(event);
    if (ids === undefined) {
      const metadata = (event.detail as { metadata?: { eventId?: unknown; correlationId?: unknown } | null }).metadata;
      const producer = typeof metadata?.eventId === 'string' ? metadata.eventId : undefined;
      const correlation = typeof metadata?.correlationId === 'string' ? metadata.correlationId : undefined;
      ids = { eventIds: producer === undefined ? [event.id] : [producer, event.id], correlationIds: correlation === undefined ? [] : [correlation] };
      eventIdsCache.set(event, ids);
    }
    return ids;
  };
  const callerOf = (traceHeader: string | undefined): Running | undefined => {
    const parent = traceField(traceHeader, 'Parent');
    return parent === undefined ? undefined : byParent.get(parent);
  };
  const note = (invocation: Running | undefined, ids: Ids) => {
    if (invocation === undefined) return;
    for (const id of ids.eventIds) invocation.eventIds.add(id);
    for (const id of ids.correlationIds) invocation.correlationIds.add(id);
  };
  const messageHop = (data: HopData & { messageId: string }) => recorder.record(data, recorder.idsOf(`m:${data.messageId}`));

  const events: EventObserver = {
    accepted: safely((event: BusEvent, bus: string, callerTraceHeader: string | undefined, rulesOnBus: number) => {
      const caller = callerOf(callerTraceHeader);
      const ids = idsOfEvent(event);
      note(caller, ids);
      const producer = ids.eventIds.length > 1 ? ids.eventIds[0] : undefined;
      recorder.record(
        {
          kind: 'put-events',
          bus,
          source: event.source,
          detailType: event['detail-type'],
          eventBridgeId: event.id,
          ...(producer === undefined ? {} : { eventId: producer }),
          ...(caller === undefined ? {} : { by: caller.caller }),
          rulesOnBus,
        },
        ids,
      );
    }),
    rule: safely((event: BusEvent, bus: string, rule: string, matched: boolean, field?: string) => {
      recorder.record({ kind: 'rule', bus, rule, matched, ...(field === undefined ? {} : { field }), eventBridgeId: event.id }, idsOfEvent(event));
    }),
    delivery: safely((target: DeliveryTarget, event: BusEvent, attempt: DeliveryAttempt) => {
      const ids = idsOfEvent(event);
      const { bus, rule } = ruleOfArn(target.ruleArn);
      const messageId = attempt.deliveredAs;
      recorder.record(
        {
          kind: 'target',
          bus,
          rule,
          target: resourceName(target.arn),
          outcome: attempt.outcome,
          attempt: attempt.attempt,
          ...(attempt.error === undefined ? {} : { error: attempt.error }),
          eventBridgeId: event.id,
          ...(messageId === undefined ? {} : { messageId }),
          ...(attempt.deadLetterArn === undefined ? {} : { deadLetterQueue: resourceName(attempt.deadLetterArn) }),
        },
        ids,
      );
      // The message was sent (and a poller may have received it) before its id came back: give its hops the event's ids.
      if (messageId !== undefined) for (const hop of [...recorder.lookup(`m:${messageId}`)]) recorder.learn(hop, ids);
    }),
  };

  const queues: QueueObserver = {
    sent: safely((queue: SqsQueue, message: StoredMessage) => messageHop({ kind: 'sqs-send', queue: queue.name, messageId: message.id })),
    received: safely((queue: SqsQueue, message: StoredMessage) => messageHop({ kind: 'sqs-receive', queue: queue.name, messageId: message.id, receiveCount: message.receiveCount })),
    visibilityExpired: safely((queue: SqsQueue, message: StoredMessage) =>
      messageHop({ kind: 'sqs-visibility-expired', queue: queue.name, messageId: message.id, receiveCount: message.receiveCount }),
    ),
    deleted: safely((queue: SqsQueue, message: StoredMessage) => messageHop({ kind: 'sqs-delete', queue: queue.name, messageId: message.id })),
    deadLettered: safely((queue: SqsQueue, message: StoredMessage, deadLetterArn: string) =>
      messageHop({ kind: 'sqs-dead-letter', queue: queue.name, deadLetterQueue: resourceName(deadLetterArn), messageId: message.id, receiveCount: message.receiveCount }),
    ),
  };

  const invocations: InvocationObserver = {
    batch: safely((fn: LocalFunction, batchId: string, batch: BatchSource) => {
      const eventIds = new Set<string>();
      const correlationIds = new Set<string>();
      for (const id of batch.ids) {
        const ids = recorder.idsOf(`m:${id}`);
        for (const e of ids.eventIds) eventIds.add(e);
        for (const c of ids.correlationIds) correlationIds.add(c);
      }
      recorder.record(
        { kind: 'batch', mapping: batch.mapping, function: fn.name, source: batch.source, size: batch.ids.length, batchId, messageIds: [...batch.ids] },
        { eventIds: [...eventIds], correlationIds: [...correlationIds] },
      );
    }),
    started: safely((fn: LocalFunction, invocation: { requestId: string; traceHeader: string; batchId?: string }) => {
      const batchIds = invocation.batchId === undefined ? NO_IDS : recorder.idsOf(`b:${invocation.batchId}`);
      const entry: Running = {
        caller: { function: fn.name, requestId: invocation.requestId },
        ...(invocation.batchId === undefined ? {} : { batchId: invocation.batchId }),
        eventIds: new Set(batchIds.eventIds),
        correlationIds: new Set(batchIds.correlationIds),
      };
      const parent = traceField(invocation.traceHeader, 'Parent');
      if (parent !== undefined) byParent.set(parent, entry);
    }),
    ended: safely((fn: LocalFunction, invocation: { requestId: string; traceHeader: string; batchId?: string; sandbox: string; outcome: InvokeOutcome }) => {
      const parent = traceField(invocation.traceHeader, 'Parent');
      const entry = parent === undefined ? undefined : byParent.get(parent);
      if (parent !== undefined) byParent.delete(parent);
      const ids: Ids = { eventIds: [...(entry?.eventIds ?? [])], correlationIds: [...(entry?.correlationIds ?? [])] };
      const { outcome } = invocation;
      const failures = outcome.ok ? batchItemFailures(outcome.result) : undefined;
      recorder.record(
        {
          kind: 'invocation',
          function: fn.name,
          requestId: invocation.requestId,
          ...(invocation.batchId === undefined ? {} : { batchId: invocation.batchId }),
          sandbox: invocation.sandbox,
          cold: outcome.coldStart,
          durationMs: Math.round(outcome.durationMs * 100) / 100,
          result: resultOf(outcome),
          ...(outcome.error === undefined ? {} : { error: `${outcome.error.errorType}: ${outcome.error.errorMessage}` }),
          ...(failures === undefined ? {} : { batchItemFailures: failures }),
          traceHeader: invocation.traceHeader,
        },
        ids,
      );
      // A stream batch is known by what its invocation published (its records' outbox events).
      if (invocation.batchId !== undefined) for (const hop of recorder.lookup(`b:${invocation.batchId}`)) if (hop.kind === 'batch') recorder.learn(hop, ids);
    }),
  };

  const dynamodbWrite = safely((write: ObservedWrite) => {
    const caller = callerOf(write.traceHeader);
    const byTable = new Map<string, { keys: Array<Record<string, unknown>>; outbox: { eventIds: string[]; correlationIds: string[] }; pending: Array<() => void> }>();
    for (const item of writtenItems(write.operation, write.request)) {
      const entry = byTable.get(item.table) ?? { keys: [], outbox: { eventIds: [], correlationIds: [] }, pending: [] };
      byTable.set(item.table, entry);
      if (item.key !== undefined) entry.keys.push(plainKey(item.key));
      else if (item.item !== undefined) {
        const whole = item.item;
        const names = options.keyNames?.(item.table, (known) => entry.keys.push(plainKey(whole, known)));
        if (names !== undefined) entry.keys.push(plainKey(whole, names));
      }
      if (item.outbox !== undefined && write.status < 400) {
        const ids = outboxIds(item.outbox);
        entry.outbox.eventIds.push(...ids.eventIds);
        for (const id of ids.correlationIds) if (!entry.outbox.correlationIds.includes(id)) entry.outbox.correlationIds.push(id);
      }
    }
    for (const [table, { keys, outbox }] of byTable) {
      note(caller, outbox);
      const eventIds = [...new Set([...(caller?.eventIds ?? []), ...outbox.eventIds])];
      const correlationIds = [...new Set([...(caller?.correlationIds ?? []), ...outbox.correlationIds])];
      recorder.record(
        {
          kind: 'dynamodb-write',
          table,
          operation: write.operation,
          keys,
          ...(caller === undefined ? {} : { requestId: caller.caller.requestId, function: caller.caller.function }),
          outboxEventIds: outbox.eventIds,
          ok: write.status < 400,
          ...(write.error === undefined ? {} : { error: write.error }),
        },
        { eventIds, correlationIds },
      );
    }
  });

  return { events, queues, invocations, dynamodbWrite };
}

function resultOf(outcome: InvokeOutcome): 'success' | 'error' | 'timeout' | 'crash' {
  if (outcome.ok) return 'success';
  const type = outcome.error?.errorType ?? '';
  if (type === 'Sandbox.Timedout') return 'timeout';
  // The sandbox's process died (Runtime.ExitError, an uncaught exception); a missing handler is an error.
  if (type.startsWith('Runtime.') && type !== 'Runtime.HandlerNotFound' && type !== 'Runtime.ImportModuleError' && type !== 'Runtime.UserCodeSyntaxError') return 'crash';
  return 'error';
}

/** The item identifiers of a partial batch response, when the result is one. */
function batchItemFailures(result: unknown): string[] | undefined {
  const failures = (result as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
  if (!Array.isArray(failures)) return undefined;
  return failures.map((failure: { itemIdentifier?: unknown } | null) => String(failure?.itemIdentifier ?? ''));
}

/** `arn:aws:events:r:a:rule/[bus/]name` -> bus and rule. */
function ruleOfArn(arn: string): { bus: string; rule: string } {
  const path = arn.slice(arn.indexOf(':rule/') + ':rule/'.length);
  const slash = path.indexOf('/');
  return slash < 0 ? { bus: 'default', rule: path } : { bus: path.slice(0, slash), rule: path.slice(slash + 1) };
}

/** A queue's, function's or bus's name from its ARN (the ARN itself when it is none of those). */
export function resourceName(arn: string): string {
  const parts = arn.split(':');
  if (parts[2] === 'sqs') return parts[5] ?? arn;
  if (parts[2] === 'lambda') return parts[6] ?? arn;
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  return slash < 0 ? arn : resource.slice(slash + 1);
}
