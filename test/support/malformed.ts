import fc from 'fast-check';
import type { CatalogEvent, EventContract } from '../../functions/events/contract';

/** The ways a message can be bad that the fuzz test sends to every consumer. */
export type MalformedKind = 'non-json' | 'not-an-event' | 'unexpected-type' | 'wrong-type' | 'missing-field' | 'oversized' | 'unknown-version';

export interface MalformedMessage {
  readonly kind: MalformedKind;
  readonly body: string;
  /** What the consumer's reason must say: the fault, by name or by field path. */
  readonly reason: RegExp;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** Every path in `value` that leads to a leaf (a primitive) or, with `containers`, to any member. */
function paths(value: Json, containers: boolean, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const members: Array<[string | number, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return members.flatMap(([key, member]) => {
    const below = paths(member, containers, [...prefix, key]);
    return containers && member !== null && typeof member === 'object' ? [[...prefix, key], ...below] : below;
  });
}

function edit(data: Json, path: Path, change: (parent: Record<string | number, Json>, key: string | number) => void): Json {
  const copy = structuredClone(data);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  change(parent, path[path.length - 1]!);
  return copy;
}

const typeOf = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pathReason = (detailType: string, path: Path) => new RegExp(`invalid ${detailType}: .*${escape(path.join('.'))}: `);

/**
 * Malformed variants of one valid event, one of each kind, chosen by fast-check from a seed: which
 * field gets the wrong type or goes missing, which string is blown up. Each variant is checked against
 * the contract's own schema, so every one of them is truly invalid (a valid mutant is never drawn).
 */
export function malformedVariants(valid: CatalogEvent<EventContract>, contract: EventContract, seed: number): MalformedMessage[] {
  const data = valid.detail.data as Json;
  const invalid = (candidate: Json) => !contract.schema.safeParse(candidate).success;
  const withData = (candidate: Json) => JSON.stringify({ ...valid, detail: { ...valid.detail, data: candidate } });
  const pick = <T>(arbitrary: fc.Arbitrary<T>, salt: number): T => fc.sample(arbitrary, { seed: seed + salt, numRuns: 1 })[0]!;

  const leaves = paths(data, false).filter((p) => p.length > 0);
  const wrongType = pick(
    fc
      .tuple(fc.constantFrom(...leaves), fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 })))
      .map(([path, value]) => ({ path, data: edit(data, path, (parent, key) => (parent[key] = value as Json)) }))
      .filter(({ path, data: mutant }) => {
        const before = path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, data);
        const after = path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, mutant);
        return typeOf(before) !== typeOf(after) && invalid(mutant);
      }),
    1,
  );
  const missing = pick(
    fc
      .constantFrom(...paths(data, true).filter((p) => p.length > 0 && typeof p[p.length - 1] === 'string'))
      .map((path) => ({ path, data: edit(data, path, (parent, key) => delete parent[key]) }))
      .filter(({ data: mutant }) => invalid(mutant)),
    2,
  );
  const strings = leaves.filter((p) => typeof p.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, data) === 'string');
  const oversized = pick(
    fc
      .tuple(fc.constantFrom(...strings), fc.integer({ min: 150_000, max: 200_000 }))
      .map(([path, size]) => ({ path, data: edit(data, path, (parent, key) => (parent[key] = 'x'.repeat(size))) }))
      .filter(({ data: mutant }) => invalid(mutant)),
    3,
  );
  const version = pick(fc.integer({ min: 2, max: 1000 }).filter((v) => v !== contract.version), 4);
  const notJson = pick(
    fc.oneof(
      fc.integer({ min: 1, max: JSON.stringify(valid).length - 1 }).map((cut) => JSON.stringify(valid).slice(0, cut)),
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !parsesAsJson(s) && s.trim().length > 0),
    ),
    5,
  );
  const notAnEvent = pick(fc.oneof(fc.constant<Json>(null), fc.array(fc.integer(), { maxLength: 3 }), fc.constant<Json>({ hello: 'world' }), fc.constant<Json>({ ...valid, detail: 'text' } as unknown as Json)), 6);

  return [
    { kind: 'non-json', body: notJson, reason: /SQS message body is not JSON/ },
    { kind: 'not-an-event', body: JSON.stringify(notAnEvent), reason: /not an EventBridge event of this catalog/ },
    { kind: 'unexpected-type', body: JSON.stringify({ ...valid, 'detail-type': 'OrderTeleported' }), reason: new RegExp(`unexpected event ${escape(valid.source)}/OrderTeleported`) },
    { kind: 'wrong-type', body: withData(wrongType.data), reason: pathReason(contract.detailType, wrongType.path) },
    { kind: 'missing-field', body: withData(missing.data), reason: pathReason(contract.detailType, missing.path) },
    { kind: 'oversized', body: withData(oversized.data), reason: pathReason(contract.detailType, oversized.path) },
    {
      kind: 'unknown-version',
      body: JSON.stringify({ ...valid, detail: { ...valid.detail, metadata: { ...valid.detail.metadata, version } } }),
      reason: new RegExp(`unsupported schema version ${version} of ${contract.detailType}`),
    },
  ];
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
