import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { eventIdentity } from '../../functions/events/contract';
import { listDeadLetters } from '../operator/dead-letters';
import { deadLetterQueues } from '../outputs';
import type { ShopClient } from '../shop-client';
import { auditRecords, summarize } from './event-summaries';
import { readOrderState } from './order-state';
import type { EventNode, TraceTree } from './trace-tree';

/** What only the local cloud's flight recorder knows, said where the trace is built without it. */
export const NEEDS_THE_LOCAL_CLOUD =
  'needs the local cloud (npm run local) and its flight recorder: which rules each event matched and which rules of its source did not (and on which field), ' +
  'the queues it waited in, the invocations (cold or warm, duration, result) and their retries, the DynamoDB writes, which event caused which, and what is still in flight';

type AuditItem = Record<string, unknown>;

/**
 * The story of an order as AWS APIs keep it, for LocalStack and AWS (no flight recorder there): the
 * order's events from the audit store (one Query by order, in time order; an event id is found by a
 * Scan of it), the messages of the order in the dead-letter queues with their reasons (the operator
 * tools' `listDeadLetters`, which peeks at each queue), and the order's status in the Orders table.
 * Undefined when none of them knows the id.
 */
export async function reconstructFromAws(shop: ShopClient, id: string): Promise<TraceTree | undefined> {
  const audit = shop.table('Audit');
  let items = await auditRecords(shop, id);
  let orderId = id;
  let matchedBy: TraceTree['matchedBy'] = 'correlationId';
  if (items.length === 0) {
    const found = await findEvent(shop, audit, id);
    if (found !== undefined) {
      orderId = String(found['pk']).replace(/^ORDER#/, '');
      matchedBy = 'eventId';
      items = await auditRecords(shop, orderId);
    }
  }
  const order = await readOrderState(shop, orderId);
  const letters = (await listDeadLetters(shop, deadLetterQueues(shop.outputs))).filter((letter) => letter.body.includes(JSON.stringify(orderId)) || letter.body.includes(JSON.stringify(id)));
  if (items.length === 0 && order === null && letters.length === 0) return undefined;

  const timeline = inTimeOrder(items);
  const start = timeline.length === 0 ? undefined : Date.parse(timeOf(timeline[0]!));
  const events = timeline.map(
    (item): EventNode => ({
      eventId: String(item['eventId']),
      source: String(item['source']),
      detailType: String(item['detailType']),
      ...withSummary(summarize(item['data'], orderId)),
      time: timeOf(item),
      offsetMs: Date.parse(timeOf(item)) - (start ?? 0),
      rules: [],
      caused: [],
      unmatched: [],
    }),
  );
  const deadLetters = letters.map((letter) => {
    const eventId = eventIdOf(letter.body);
    return { queue: letter.queue, messageId: letter.messageId, reason: letter.reason, receiveCount: letter.receiveCount, ...(eventId === undefined ? {} : { eventId }) };
  });
  const traceId = items.map((item) => item['traceId']).find((value): value is string => typeof value === 'string');
  return {
    id,
    matchedBy,
    from: 'aws-apis',
    orderId,
    order,
    ...(timeline.length === 0 ? {} : { startedAt: timeOf(timeline[0]!) }),
    events,
    endings: deadLetters.map((letter) => ({ eventId: letter.eventId ?? letter.messageId, state: 'dead-letter' as const, where: letter.queue, reason: letter.reason })),
    truncated: false,
    deadLetters,
    limits: [
      `this story ${NEEDS_THE_LOCAL_CLOUD}`,
      'the audit store shows an event once its audit function recorded it; the dead-letter queues were peeked at, which adds one to their messages\' receive counts (as npm run dlq does)',
      ...(traceId === undefined ? [] : [`on AWS, the order's invocations are in its X-Ray trace: aws xray batch-get-traces --trace-ids ${traceId}`]),
    ],
    ...(traceId === undefined ? {} : { traceId }),
  };
}

/** Where the AWS reconstruction looked, for the message about an id it did not find. */
export function awsSearchedPlaces(shop: ShopClient, id: string): string {
  return `the audit store (table ${shop.table('Audit')}: the order key ORDER#${id}, and every record's eventId), the Orders table (${shop.table('Orders')}) and the ${deadLetterQueues(shop.outputs).length} dead-letter queues (message bodies)`;
}

/** When an audit record's event happened: the first part of its sort key (`occurredAt`, else EventBridge's `time`). */
const timeOf = (item: AuditItem) => String(item['sk']).split('#')[0]!;

/**
 * Audit records in the order their events happened. The sort key's order is not quite that: an event
 * without `occurredAt` (a client's, through the AWS CLI) is keyed by EventBridge's `time`, in whole
 * seconds without a fraction, which sorts after every time with milliseconds in the same second.
 */
export function inTimeOrder(items: readonly AuditItem[]): AuditItem[] {
  return [...items].sort((a, b) => Date.parse(timeOf(a)) - Date.parse(timeOf(b)));
}

/** The audit record of one event: the store is keyed by order, so an event id takes a Scan (no index for it). */
async function findEvent(shop: ShopClient, table: string, eventId: string): Promise<AuditItem | undefined> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await shop.dynamo.send(new ScanCommand({ TableName: table, FilterExpression: 'eventId = :id', ExpressionAttributeValues: { ':id': eventId }, ExclusiveStartKey: start }));
    if (page.Items?.[0] !== undefined) return page.Items[0];
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return undefined;
}

/** The event id of a DLQ message whose body is an EventBridge event; undefined for other bodies (a relay's stream record). */
function eventIdOf(body: string): string | undefined {
  try {
    const event = JSON.parse(body) as { id?: string; detail?: unknown };
    return typeof event === 'object' && event !== null && event.detail !== undefined ? eventIdentity(event) : undefined;
  } catch {
    return undefined;
  }
}

const withSummary = (summary: string | undefined) => (summary === undefined ? {} : { summary });
