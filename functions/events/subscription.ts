import { parseEvent, type EventContract, type EventData, type ParsedEvent } from './contract';

/**
 * A content filter on the payload (`detail.data`) of the subscribed events: for each field, the values
 * an event must carry to be delivered. Typed by the events' payload, so a filter can only name a field
 * the events have and values it may take.
 */
export type DataFilter<C extends EventContract> = {
  readonly [K in keyof EventData<C>]?: readonly EventData<C>[K][];
};

/**
 * How the rule matches the subscribed events:
 * - `events`: exactly their sources and detail-types (every consumer but the audit).
 * - `source-prefixes`: every event whose source starts with one of theirs (`shop.`, `carrier.`), so an
 *   event the catalog does not know yet still reaches the consumer and fails loudly into its DLQ
 *   instead of going unrecorded (the audit's choice).
 */
export type SubscriptionMatch = 'events' | 'source-prefixes';

/** A source matched by prefix, as EventBridge writes it (`{ "prefix": "shop." }`). */
export interface PrefixMatch {
  readonly prefix: string;
}

/** The EventBridge event pattern of a subscription, as plain JSON (the CDK renders it unchanged). */
export interface SubscriptionPattern {
  readonly source: ReadonlyArray<string | PrefixMatch>;
  readonly 'detail-type'?: readonly string[];
  readonly detail?: { readonly data: Readonly<Record<string, readonly unknown[]>> };
}

/**
 * What one handler consumes, defined once: its events (catalog entries) and an optional content filter.
 * It yields the rule pattern (`pattern`, used by `infra/`) and the consumer's validation (`parse`, used
 * by `sqsConsumer`), whose result is the union of the events, discriminated by `detail-type`.
 */
export interface Subscription<C extends EventContract = EventContract> {
  readonly events: readonly C[];
  readonly filter?: DataFilter<C>;
  readonly match: SubscriptionMatch;
  readonly pattern: SubscriptionPattern;
  /** Validates a delivered event against the subscribed events; throws `InvalidEventError` naming the fault. */
  parse(input: unknown): ParsedEvent<C>;
}

/** The typed event a subscription's handler receives. */
export type SubscribedEvent<S extends Subscription> = S extends Subscription<infer C> ? ParsedEvent<C> : never;

export interface SubscriptionOptions<C extends EventContract> {
  /** Values of payload fields an event must carry; filtered by the rule, never paid for as invocations. @default - none */
  readonly filter?: DataFilter<C>;
  /** @default 'events' */
  readonly match?: SubscriptionMatch;
}

/**
 * Defines a handler's subscription. The filter narrows what the rule delivers only: a consumer still
 * accepts every valid event of its subscription (a copy sent to its queue by hand, a replay), so
 * the handler decides what to do with values outside the filter.
 */
export function subscribe<const Events extends readonly EventContract[]>(
  events: Events,
  options: SubscriptionOptions<Events[number]> = {},
): Subscription<Events[number]> {
  if (events.length === 0) throw new Error('a subscription needs at least one event');
  const match = options.match ?? 'events';
  const filter = options.filter;
  if (match === 'source-prefixes' && filter !== undefined) {
    throw new Error('a subscription by source prefix takes no filter: its events have no common payload');
  }
  return {
    events,
    ...(filter === undefined ? {} : { filter }),
    match,
    pattern: patternOf(events, match, filter as Readonly<Record<string, readonly unknown[]>> | undefined),
    parse: (input) => parseEvent<Events[number]>(events, input),
  };
}

function patternOf(
  events: readonly EventContract[],
  match: SubscriptionMatch,
  filter: Readonly<Record<string, readonly unknown[]>> | undefined,
): SubscriptionPattern {
  const unique = <T>(values: T[]) => [...new Set(values)];
  if (match === 'source-prefixes') {
    // The source's namespace, up to its first dot: shop.orders -> shop., carrier.webhooks -> carrier.
    return { source: unique(events.map((e) => e.source.slice(0, e.source.indexOf('.') + 1) || e.source)).map((prefix) => ({ prefix })) };
  }
  // Detail-types are unique across the catalog, so the union of sources and detail-types matches exactly these events.
  const pattern = { source: unique(events.map((e) => e.source)), 'detail-type': unique(events.map((e) => e.detailType)) };
  if (filter === undefined) return pattern;
  const data = Object.fromEntries(Object.entries(filter).filter(([, values]) => values !== undefined).map(([field, values]) => [field, [...values]]));
  return { ...pattern, detail: { data } };
}
