/**
 * The flight recorder's answer to `GET /_local/recorder/story?id=...`, as the trace reads it: the
 * route contract of /work/helpers/common16.md (kept in the recorder's local/recorder/). Validated on
 * arrival, so a recorder that drifted from the contract is an error naming the field, not a wrong tree.
 * Fields and hop kinds the trace does not use are let through and ignored (the recorder may add some).
 */
import * as z from 'zod';

const base = {
  seq: z.number(),
  time: z.string(),
  eventIds: z.array(z.string()),
  correlationIds: z.array(z.string()),
};

const HOP_SCHEMAS = {
  'put-events': z.looseObject({ ...base, kind: z.literal('put-events'), bus: z.string(), source: z.string(), detailType: z.string(), eventBridgeId: z.string(), by: z.optional(z.looseObject({ function: z.string(), requestId: z.string() })) }),
  rule: z.looseObject({ ...base, kind: z.literal('rule'), bus: z.string(), rule: z.string(), matched: z.boolean(), field: z.optional(z.string()), eventBridgeId: z.optional(z.string()) }),
  target: z.looseObject({ ...base, kind: z.literal('target'), rule: z.string(), target: z.string(), outcome: z.enum(['delivered', 'retry', 'dead-letter', 'dropped']), attempt: z.number(), error: z.optional(z.string()), eventBridgeId: z.optional(z.string()), messageId: z.optional(z.string()), deadLetterQueue: z.optional(z.string()) }),
  'sqs-send': z.looseObject({ ...base, kind: z.literal('sqs-send'), queue: z.string(), messageId: z.string() }),
  'sqs-receive': z.looseObject({ ...base, kind: z.literal('sqs-receive'), queue: z.string(), messageId: z.string(), receiveCount: z.number() }),
  'sqs-visibility-expired': z.looseObject({ ...base, kind: z.literal('sqs-visibility-expired'), queue: z.string(), messageId: z.string(), receiveCount: z.number() }),
  'sqs-delete': z.looseObject({ ...base, kind: z.literal('sqs-delete'), queue: z.string(), messageId: z.string() }),
  'sqs-dead-letter': z.looseObject({ ...base, kind: z.literal('sqs-dead-letter'), queue: z.string(), deadLetterQueue: z.string(), messageId: z.string(), receiveCount: z.number() }),
  batch: z.looseObject({ ...base, kind: z.literal('batch'), mapping: z.string(), function: z.string(), source: z.string(), size: z.number(), batchId: z.string(), messageIds: z.optional(z.array(z.string())) }),
  invocation: z.looseObject({
    ...base,
    kind: z.literal('invocation'),
    function: z.string(),
    requestId: z.string(),
    batchId: z.optional(z.string()),
    sandbox: z.string(),
    cold: z.boolean(),
    durationMs: z.number(),
    result: z.enum(['success', 'error', 'timeout', 'crash']),
    error: z.optional(z.string()),
    batchItemFailures: z.optional(z.array(z.string())),
  }),
  'dynamodb-write': z.looseObject({ ...base, kind: z.literal('dynamodb-write'), table: z.string(), operation: z.string(), keys: z.array(z.record(z.string(), z.unknown())), requestId: z.optional(z.string()), outboxEventIds: z.array(z.string()), ok: z.optional(z.boolean()), error: z.optional(z.string()) }),
} as const;

type HopSchemas = typeof HOP_SCHEMAS;
export type HopKind = keyof HopSchemas;
/** One hop of a kind the trace reads. */
export type Hop = { [K in HopKind]: z.infer<HopSchemas[K]> }[HopKind];
export type HopOf<K extends HopKind> = Extract<Hop, { kind: K }>;

const isKnownKind = (kind: unknown): kind is HopKind => typeof kind === 'string' && Object.hasOwn(HOP_SCHEMAS, kind);

/** Hops of the kinds the trace reads, each validated against its kind's schema; other kinds are dropped. */
const hopsSchema = z.array(z.looseObject({ kind: z.string() })).transform((hops, context) => {
  const known: Hop[] = [];
  hops.forEach((hop, index) => {
    if (!isKnownKind(hop.kind)) return;
    const parsed = HOP_SCHEMAS[hop.kind].safeParse(hop);
    if (parsed.success) known.push(parsed.data as Hop);
    else for (const issue of parsed.error.issues) context.addIssue({ ...issue, code: 'custom', message: `${hop.kind} hop: ${issue.message}`, path: [index, ...issue.path] });
  });
  return known;
});

const branchSchema = z.looseObject({
  target: z.string(),
  rule: z.string(),
  state: z.enum(['done', 'dead-letter', 'in-flight', 'failed', 'dropped']),
  where: z.optional(z.string()),
  reason: z.optional(z.string()),
});

const storyEventSchema = z.looseObject({
  eventId: z.string(),
  eventBridgeId: z.string(),
  source: z.string(),
  detailType: z.string(),
  bus: z.string(),
  correlationId: z.optional(z.string()),
  time: z.string(),
  /** The invocation whose write (outbox) or call published it, and the event that invocation handled. */
  causedBy: z.optional(z.looseObject({ eventId: z.optional(z.string()), function: z.string(), requestId: z.string() })),
  /** The invocation that called PutEvents (an outbox relay), when not the one in `causedBy`. */
  publishedBy: z.optional(z.looseObject({ function: z.string(), requestId: z.string() })),
  hops: hopsSchema,
  branches: z.array(branchSchema),
  unmatched: z.optional(z.array(z.looseObject({ rule: z.string(), bus: z.string(), field: z.string() }))),
});

export const storySchema = z.looseObject({
  id: z.string(),
  matchedBy: z.enum(['correlationId', 'eventId', 'none']),
  truncated: z.boolean(),
  events: z.array(storyEventSchema),
});

export type Story = z.infer<typeof storySchema>;
export type StoryEvent = z.infer<typeof storyEventSchema>;
export type Branch = z.infer<typeof branchSchema>;

/** The story in an answer, or an error naming the first fields that break the contract. */
export function parseStory(body: unknown): Story {
  const parsed = storySchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`the flight recorder's story does not follow its contract: ${issues.join('; ')}`);
}
