import * as z from 'zod/mini';
// One locale only: the namespace of all locales would add ~270 KB to every bundle.
import { en } from 'zod/locales';
import type { EventBridgeEvent } from 'aws-lambda';
import { InvalidEventError } from '../shared/errors';
import { id, timestamp } from './schemas';

/**
 * Every event's `detail` has the same envelope: versioned metadata that every consumer can read
 * before it knows the payload's shape, and the payload itself.
 */
export interface EventMetadata {
  /** Schema version of `data`; a consumer rejects versions it was not built for. */
  readonly version: number;
  /** The id of the order this event belongs to, carried through the whole saga for log correlation. */
  readonly correlationId: string;
  /**
   * When the producer created the event, to the millisecond (EventBridge's `time` has whole seconds).
   * It orders an order's timeline when several of its events fall within one second. Optional, so
   * events from producers that predate it stay valid.
   */
  readonly occurredAt?: string;
  /**
   * The producer's id for this event, the same however often it is published: a delivery that died
   * after PutEvents and before recording it publishes the stored event again, and EventBridge gives
   * each PutEvents a new `id`. Consumers deduplicate on it. Optional, as `occurredAt`.
   */
  readonly eventId?: string;
}

export interface Detail<T> {
  readonly metadata: EventMetadata;
  readonly data: T;
}

/**
 * One event, defined once. It yields the TypeScript type (`EventData<typeof X>`), the consumer's
 * validation (`parseEvent`, through a `Subscription`) and the producer's typed entry (`eventEntry`).
 * Source and detail-type keep their literal types, so a switch over the events a handler consumes
 * narrows each case to its payload and is checked for exhaustiveness.
 */
export interface EventContract<
  Source extends string = string,
  DetailType extends string = string,
  Schema extends z.ZodMiniType = z.ZodMiniType,
> {
  readonly source: Source;
  readonly detailType: DetailType;
  readonly version: number;
  readonly schema: Schema;
}

export type EventData<C extends EventContract> = z.infer<C['schema']>;

/**
 * A validated event: the EventBridge envelope plus the typed payload. For a union of contracts it is
 * the union of each contract's event, discriminated by `detail-type` (unique across the catalog).
 */
export type ParsedEvent<C extends EventContract = EventContract> = C extends EventContract
  ? {
      readonly contract: C;
      readonly source: C['source'];
      readonly 'detail-type': C['detailType'];
      /** The event's identity (`eventIdentity`): the producer's `metadata.eventId`, else EventBridge's `id`. */
      readonly id: string;
      readonly time: string;
      readonly metadata: EventMetadata;
      readonly data: EventData<C>;
    }
  : never;

export function defineEvent<const Source extends string, const DetailType extends string, Schema extends z.ZodMiniType>(definition: {
  source: Source;
  detailType: DetailType;
  version: number;
  schema: Schema;
}): EventContract<Source, DetailType, Schema> {
  return { ...definition };
}

// zod/mini ships without messages; English ones make a DLQ reason readable ("expected string, received number").
z.config(en());

const metadataSchema = z.object({
  version: z.number().check(z.int(), z.positive()),
  correlationId: id(),
  occurredAt: z.optional(timestamp()),
  eventId: z.optional(id()),
});

const envelopeSchema = z.object({
  id: id(),
  source: z.string().check(z.maxLength(256)),
  'detail-type': z.string().check(z.maxLength(128)),
  time: z.string().check(z.maxLength(64)),
  detail: z.object({ metadata: metadataSchema, data: z.unknown() }),
});

/**
 * An event's identity: the producer's `detail.metadata.eventId` when it set one, else EventBridge's
 * `id`. What consumers deduplicate on, and what tools must match events by.
 */
export function eventIdentity(event: { readonly id?: string; readonly detail?: unknown }): string | undefined {
  const metadata = (event.detail as { metadata?: { eventId?: unknown } } | undefined)?.metadata;
  return typeof metadata?.eventId === 'string' ? metadata.eventId : event.id;
}

/** Describes the first few issues of a failed parse as `path: message; ...`. */
function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Validates an EventBridge event against the contracts a consumer accepts and returns it typed.
 * Throws `InvalidEventError` naming the fault: unknown event, unsupported version, or schema issues.
 */
export function parseEvent<C extends EventContract>(contracts: readonly C[], input: unknown): ParsedEvent<C> {
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) {
    throw new InvalidEventError(`not an EventBridge event of this catalog: ${describeIssues(envelope.error)}`);
  }
  const event = envelope.data;
  const contract = contracts.find((c) => c.source === event.source && c.detailType === event['detail-type']);
  if (contract === undefined) {
    throw new InvalidEventError(`unexpected event ${event.source}/${event['detail-type']} for this consumer`);
  }
  const { metadata, data } = event.detail;
  if (metadata.version !== contract.version) {
    throw new InvalidEventError(
      `unsupported schema version ${metadata.version} of ${contract.detailType} (this consumer reads version ${contract.version})`,
    );
  }
  const parsed = contract.schema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidEventError(`invalid ${contract.detailType}: ${describeIssues(parsed.error)}`);
  }
  return {
    contract,
    source: contract.source,
    'detail-type': contract.detailType,
    id: eventIdentity(event)!,
    time: event.time,
    metadata,
    data: parsed.data,
  } as ParsedEvent<C>;
}

/** The shape a test or a producer builds; matches the `EventBridgeEvent` type of aws-lambda. */
export type CatalogEvent<C extends EventContract> = EventBridgeEvent<string, Detail<EventData<C>>>;
