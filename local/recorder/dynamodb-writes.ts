/**
 * What a DynamoDB write request writes, read from its (already parsed) request: each item's table,
 * key (or whole item, for puts) and the event ids its `outbox` attribute holds. The outbox format is
 * the app's transactional outbox (functions/shared/outbox.ts): a JSON array of PutEvents entries
 * whose Detail carries `metadata.eventId` and `metadata.correlationId`.
 */

type AttributeValue = Readonly<Record<string, unknown>>;
type Item = Readonly<Record<string, AttributeValue>>;

export interface WrittenItem {
  readonly table: string;
  /** The key as given (updates, deletes); puts give the whole item. */
  readonly key?: Item;
  readonly item?: Item;
  /** The outbox attribute's text, when the write sets one. */
  readonly outbox?: string;
}

const OUTBOX_ATTRIBUTE = 'outbox';

/** The items a write request writes; none for PartiQL or a request it cannot read. */
export function writtenItems(operation: string, request: Readonly<Record<string, unknown>>): WrittenItem[] {
  switch (operation) {
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem': {
      const verb = operation === 'PutItem' ? 'Put' : operation === 'UpdateItem' ? 'Update' : 'Delete';
      const item = action(verb, request);
      return item === undefined ? [] : [item];
    }
    case 'BatchWriteItem': {
      const requests = objectOf(request['RequestItems']);
      if (requests === undefined) return [];
      return Object.entries(requests).flatMap(([table, list]) =>
        (Array.isArray(list) ? list : []).flatMap((entry: unknown): WrittenItem[] => {
          const put = objectOf(objectOf(entry)?.['PutRequest']);
          const remove = objectOf(objectOf(entry)?.['DeleteRequest']);
          const item = put === undefined ? undefined : objectOf(put['Item']);
          const key = remove === undefined ? undefined : objectOf(remove['Key']);
          if (item !== undefined) return [{ table, item: item as Item, ...outboxOf(item as Item) }];
          return key === undefined ? [] : [{ table, key: key as Item }];
        }),
      );
    }
    case 'TransactWriteItems': {
      const items = request['TransactItems'];
      if (!Array.isArray(items)) return [];
      return items.flatMap((entry: unknown) => {
        const written = objectOf(entry);
        if (written === undefined) return [];
        for (const verb of ['Put', 'Update', 'Delete'] as const) {
          const given = objectOf(written[verb]);
          if (given !== undefined) {
            const item = action(verb, given);
            return item === undefined ? [] : [item];
          }
        }
        return [];
      });
    }
    default:
      return [];
  }
}

function action(verb: 'Put' | 'Update' | 'Delete', request: Readonly<Record<string, unknown>>): WrittenItem | undefined {
  const table = request['TableName'];
  if (typeof table !== 'string') return undefined;
  if (verb === 'Put') {
    const item = objectOf(request['Item']) as Item | undefined;
    return item === undefined ? undefined : { table, item, ...outboxOf(item) };
  }
  const key = objectOf(request['Key']) as Item | undefined;
  if (key === undefined) return undefined;
  const outbox = verb === 'Update' ? updatedOutbox(request) : undefined;
  return { table, key, ...(outbox === undefined ? {} : { outbox }) };
}

function outboxOf(item: Item): { outbox?: string } {
  const value = item[OUTBOX_ATTRIBUTE]?.['S'];
  return typeof value === 'string' ? { outbox: value } : {};
}

/** The value an update expression's `SET <outbox> = :value` gives the outbox attribute. */
function updatedOutbox(request: Readonly<Record<string, unknown>>): string | undefined {
  const expression = request['UpdateExpression'];
  if (typeof expression !== 'string' || !expression.includes('=')) return undefined;
  const names = objectOf(request['ExpressionAttributeNames']) ?? {};
  const values = objectOf(request['ExpressionAttributeValues']) ?? {};
  for (const [, name, placeholder] of expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const attribute = name!.startsWith('#') ? names[name!] : name;
    if (attribute !== OUTBOX_ATTRIBUTE) continue;
    const value = objectOf(values[placeholder!])?.['S'];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/** The producer event ids and correlation ids of an outbox's entries (entries it cannot read are skipped). */
export function outboxIds(outbox: string): { eventIds: string[]; correlationIds: string[] } {
  const eventIds: string[] = [];
  const correlationIds: string[] = [];
  let entries: unknown;
  try {
    entries = JSON.parse(outbox);
  } catch {
    return { eventIds, correlationIds };
  }
  if (!Array.isArray(entries)) return { eventIds, correlationIds };
  for (const entry of entries) {
    const detail = objectOf(entry)?.['Detail'];
    if (typeof detail !== 'string') continue;
    try {
      const metadata = objectOf(objectOf(JSON.parse(detail))?.['metadata']);
      if (typeof metadata?.['eventId'] === 'string') eventIds.push(metadata['eventId']);
      if (typeof metadata?.['correlationId'] === 'string' && !correlationIds.includes(metadata['correlationId'])) correlationIds.push(metadata['correlationId']);
    } catch {
      // a Detail that is not JSON has no ids
    }
  }
  return { eventIds, correlationIds };
}

/** A DynamoDB-JSON key (or the key attributes of an item) as plain values: `{S: "a"}` -> "a", `{N: "1"}` -> 1. */
export function plainKey(item: Item, names?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names ?? Object.keys(item)) {
    const value = item[name];
    if (value === undefined) continue;
    if (typeof value['S'] === 'string') out[name] = value['S'];
    else if (typeof value['N'] === 'string') out[name] = Number.isSafeInteger(Number(value['N'])) ? Number(value['N']) : value['N'];
    else if (typeof value['B'] === 'string') out[name] = value['B'];
    else out[name] = value;
  }
  return out;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
