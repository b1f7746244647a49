import { NO_IDS, renderHop, type Hop, type HopData, type Ids, type StoredHop } from './hops';
import { buildStory, type Story } from './story';

export interface RecorderOptions {
  /** How many hops are kept; the oldest go first. @default 100,000 */
  readonly capacity?: number;
  /** The cloud's time (ms). @default Date.now */
  readonly now?: () => number;
}

/** What `snapshot()` gives and `restore()` takes: plain JSON. */
export interface RecorderSnapshot {
  readonly version: 1;
  /** When the snapshot was taken (the cloud's time, ISO 8601). */
  readonly savedAt?: string;
  readonly seq: number;
  readonly hops: StoredHop[];
}

const DEFAULT_CAPACITY = 100_000;
const NONE: readonly StoredHop[] = [];

/**
 * The flight recorder: a bounded ring of hops, indexed so that the hops of one event, order,
 * message, invocation or batch are found without a scan. Recording is a few map operations and no
 * serialization: nothing is rendered until someone reads (the routes, the story).
 *
 * Index keys: `e:` event id (producer's and EventBridge's), `c:` correlation id, `m:` SQS message
 * id, `r:` invocation request id, `b:` batch id.
 */
export class Recorder {
  readonly capacity: number;
  private readonly now: () => number;
  private ring: Array<StoredHop | undefined>;
  private seq = 0;
  /** Each key's hops in seq order from `head` (evicted ones before it, dropped in chunks). */
  private readonly index = new Map<string, { hops: StoredHop[]; head: number }>();

  constructor(options: RecorderOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`recorder capacity must be a positive integer, got ${String(capacity)}`);
    this.capacity = capacity;
    this.now = options.now ?? Date.now;
    this.ring = new Array<StoredHop | undefined>(capacity);
  }

  /** The sequence number of the newest hop (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Records a hop now; `ids` are shared, not copied (callers pass arrays they no longer change). */
  record(data: HopData, ids: Ids = NO_IDS): StoredHop {
    const hop = { ...data, seq: ++this.seq, at: this.now(), eventIds: ids.eventIds, correlationIds: ids.correlationIds } as StoredHop;
    this.store(hop);
    return hop;
  }

  /** Gives hops ids learnt after they were recorded (a message's event, known once its send returned). */
  learn(hop: StoredHop, ids: Ids): void {
    const eventIds = ids.eventIds.filter((id) => !hop.eventIds.includes(id));
    const correlationIds = ids.correlationIds.filter((id) => !hop.correlationIds.includes(id));
    if (eventIds.length === 0 && correlationIds.length === 0) return;
    if (this.ring[(hop.seq - 1) % this.capacity] !== hop) return; // evicted already
    hop.eventIds = [...hop.eventIds, ...eventIds];
    hop.correlationIds = [...hop.correlationIds, ...correlationIds];
    for (const id of eventIds) this.add(`e:${id}`, hop);
    for (const id of correlationIds) this.add(`c:${id}`, hop);
  }

  /** Hops under an index key, oldest first (the array is the index's own: do not change it). */
  lookup(key: string): readonly StoredHop[] {
    const list = this.index.get(key);
    if (list === undefined) return NONE;
    return list.head === 0 ? list.hops : list.hops.slice(list.head);
  }

  /** The ids of the first hop under `key` that has any (e.g. the event a message carries). */
  idsOf(key: string): Ids {
    for (const hop of this.lookup(key)) if (hop.eventIds.length > 0 || hop.correlationIds.length > 0) return hop;
    return NO_IDS;
  }

  /**
   * Hops after `since` (oldest first, at most `limit`), so a reader polling with the answer's
   * `next` misses none; without `since`, the newest `limit` hops.
   */
  hopsSince(since: number | undefined, limit: number): { hops: Hop[]; next: number } {
    const oldest = Math.max(1, this.seq - this.capacity + 1);
    const from = since === undefined ? Math.max(oldest, this.seq - limit + 1) : Math.max(oldest, since + 1);
    const hops: Hop[] = [];
    for (let seq = from; seq <= this.seq && hops.length < limit; seq++) {
      const hop = this.ring[(seq - 1) % this.capacity];
      if (hop !== undefined && hop.seq === seq) hops.push(renderHop(hop));
    }
    return { hops, next: hops.at(-1)?.seq ?? Math.max(since ?? 0, this.seq) };
  }

  /** Every hop kept, oldest first. */
  all(): StoredHop[] {
    const out: StoredHop[] = [];
    for (let seq = Math.max(1, this.seq - this.capacity + 1); seq <= this.seq; seq++) {
      const hop = this.ring[(seq - 1) % this.capacity];
      if (hop !== undefined) out.push(hop);
    }
    return out;
  }

  clear(): void {
    this.ring = new Array<StoredHop | undefined>(this.capacity);
    this.index.clear();
  }

  snapshot(): RecorderSnapshot {
    return { version: 1, savedAt: new Date(this.now()).toISOString(), seq: this.seq, hops: this.all().map((hop) => ({ ...hop })) };
  }

  /** An order's (correlation id's) or an event's story, as `GET /_local/recorder/story` answers it. */
  story(id: string): Story {
    return buildStory(this, id);
  }

  /** Replaces what is kept with a snapshot's hops (the newest `capacity` of them). */
  restore(data: unknown): void {
    const snapshot = data as Partial<RecorderSnapshot> | null;
    if (snapshot === null || typeof snapshot !== 'object' || snapshot.version !== 1 || !Array.isArray(snapshot.hops) || typeof snapshot.seq !== 'number') {
      throw new Error('not a flight recorder snapshot (version 1 with seq and hops)');
    }
    this.clear();
    for (const hop of snapshot.hops.slice(-this.capacity)) {
      if (typeof hop?.seq !== 'number' || typeof hop.at !== 'number' || typeof hop.kind !== 'string') throw new Error(`flight recorder snapshot: a hop without seq, at or kind: ${JSON.stringify(hop).slice(0, 200)}`);
      this.store({ ...hop, eventIds: hop.eventIds ?? [], correlationIds: hop.correlationIds ?? [] });
    }
    this.seq = Math.max(this.seq, snapshot.seq);
  }

  private store(hop: StoredHop): void {
    const slot = (hop.seq - 1) % this.capacity;
    const evicted = this.ring[slot];
    if (evicted !== undefined) for (const key of joinKeys(evicted)) this.remove(key, evicted);
    this.ring[slot] = hop;
    if (hop.seq > this.seq) this.seq = hop.seq;
    for (const key of joinKeys(hop)) this.add(key, hop);
  }

  /** Adds in seq order (a hop given ids later goes in its place), so that eviction always takes a list's head. */
  private add(key: string, hop: StoredHop): void {
    const list = this.index.get(key);
    if (list === undefined) {
      this.index.set(key, { hops: [hop], head: 0 });
      return;
    }
    const { hops } = list;
    let at = hops.length;
    while (at > list.head && hops[at - 1]!.seq > hop.seq) at--;
    if (at === hops.length) hops.push(hop);
    else hops.splice(at, 0, hop);
  }

  /** Drops an evicted hop: the oldest, so its lists' head; the lists are compacted now and then, not at every eviction. */
  private remove(key: string, hop: StoredHop): void {
    const list = this.index.get(key);
    if (list === undefined) return;
    if (list.hops[list.head] === hop) list.head++;
    else {
      const at = list.hops.indexOf(hop, list.head);
      if (at >= 0) list.hops.splice(at, 1);
    }
    if (list.head >= list.hops.length) this.index.delete(key);
    else if (list.head >= 64 || list.head * 2 >= list.hops.length) {
      list.hops.splice(0, list.head);
      list.head = 0;
    }
  }
}

/** The index keys a hop is found under. */
function joinKeys(hop: StoredHop): string[] {
  const keys: string[] = [];
  for (const id of hop.eventIds) keys.push(`e:${id}`);
  for (const id of hop.correlationIds) keys.push(`c:${id}`);
  switch (hop.kind) {
    case 'sqs-send':
    case 'sqs-receive':
    case 'sqs-visibility-expired':
    case 'sqs-delete':
    case 'sqs-dead-letter':
      keys.push(`m:${hop.messageId}`);
      break;
    case 'target':
      if (hop.messageId !== undefined) keys.push(`m:${hop.messageId}`);
      break;
    case 'batch':
      keys.push(`b:${hop.batchId}`);
      for (const id of hop.messageIds) keys.push(`m:${id}`);
      break;
    case 'invocation':
      keys.push(`r:${hop.requestId}`);
      if (hop.batchId !== undefined) keys.push(`b:${hop.batchId}`);
      break;
    case 'dynamodb-write':
      if (hop.requestId !== undefined) keys.push(`r:${hop.requestId}`);
      break;
    case 'put-events':
      if (hop.by !== undefined) keys.push(`r:${hop.by.requestId}`);
      break;
    case 'rule':
      break;
  }
  return keys;
}
