import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ShopClient } from '../shop-client';

/**
 * A line of what an event says, from its payload: its short scalar fields as `name=value`, by name (`from=RESERVED
 * to=CANCELLED`, `amount=7200 reason=CREDIT_LIMIT_EXCEEDED`), less the order's id and other ids, and
 * arrays as their length (`items=1`). Generic on purpose: any event of the catalog gets one.
 */
export function summarize(data: unknown, orderId: string | undefined): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const parts: string[] = [];
  // By name: a stored payload's fields come back in any order (a DynamoDB map has none).
  for (const [name, value] of Object.entries(data).sort(([a], [b]) => a.localeCompare(b))) {
    if (/id$/i.test(name) || value === orderId) continue;
    if (Array.isArray(value)) parts.push(`${name}=${value.length}`);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) parts.push(`${name}=${String(value)}`);
    else if (typeof value === 'string' && value.length <= 60 && !/^\d{4}-\d\d-\d\dT/.test(value)) parts.push(`${name}=${value}`);
  }
  const line = parts.join(' ');
  return line === '' ? undefined : line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/**
 * The payloads of an order's events by event id, from the audit store (one Query by order), for the
 * summaries: the flight recorder keeps where events went, not what they said. Empty when the store
 * cannot be read; an event the audit function has not recorded yet has none.
 */
export async function auditedPayloads(shop: ShopClient, orderId: string): Promise<Map<string, unknown>> {
  const payloads = new Map<string, unknown>();
  try {
    for (const item of await auditRecords(shop, orderId)) payloads.set(String(item['eventId']), item['data']);
  } catch {
    // The summaries are a help, not the story: without them the tree is still whole.
  }
  return payloads;
}

/** Every audit record of an order (the store's partition `ORDER#<id>`), in sort-key order, all pages. */
export async function auditRecords(shop: ShopClient, orderId: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await shop.dynamo.send(new QueryCommand({ TableName: shop.table('Audit'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` }, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
