import type { MidwayFault, SandboxFault } from '../lambda/sandbox';

/**
 * Fault injection for the local cloud: seeded and reproducible, off unless asked for. Each kind of
 * fault has a rate (0..1) drawn from one seeded generator, and every injected fault is counted.
 */
export interface FaultRates {
  /** The handler throws instead of running. */
  readonly handlerError?: number;
  /** The handler stops at a random point of its work and the invocation times out. */
  readonly handlerTimeout?: number;
  /** The sandbox process dies at a random point of the handler's work. */
  readonly sandboxCrash?: number;
}

export interface FaultConfig {
  readonly seed?: number;
  /** Handler faults for every function, overridden per function (matched by a substring of its name). */
  readonly handlers?: FaultRates & { readonly perFunction?: Readonly<Record<string, FaultRates>> };
  /** DynamoDB answers ProvisionedThroughputExceededException (the SDK retries it with backoff). */
  readonly dynamodbThrottle?: number;
  /** TransactWriteItems is cancelled with TransactionConflict. */
  readonly transactionConflict?: number;
  /** A PutEvents entry comes back with InternalFailure. */
  readonly putEventsFailure?: number;
  /** EventBridge delivers an event to a target twice. */
  readonly duplicateDelivery?: number;
  /** A DeleteMessage is lost, so the message is received again after its visibility timeout. */
  readonly duplicateReceive?: number;
  /** EventBridge delays a delivery by a random time up to `reorderMaxDelayMs`, so events overtake each other. */
  readonly reorder?: number;
  readonly reorderMaxDelayMs?: number;
}

/** The default fault mix of `npm run chaos`. */
export const DEFAULT_FAULT_MIX: FaultConfig = {
  handlers: { handlerError: 0.02, handlerTimeout: 0.002, sandboxCrash: 0.002 },
  dynamodbThrottle: 0.02,
  transactionConflict: 0.02,
  putEventsFailure: 0.02,
  duplicateDelivery: 0.02,
  duplicateReceive: 0.02,
  reorder: 0.05,
  reorderMaxDelayMs: 2000,
};

export type FaultKind =
  | 'handlerError'
  | 'handlerTimeout'
  | 'sandboxCrash'
  | 'dynamodbThrottle'
  | 'transactionConflict'
  | 'putEventsFailure'
  | 'duplicateDelivery'
  | 'duplicateReceive'
  | 'reorder';

/** A timeout or crash strikes at one of a handler's first this many requests (a record takes 2–5). */
const MIDWAY_REQUESTS = 8;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private readonly random: () => number;
  readonly counts: Record<FaultKind, number> = {
    handlerError: 0,
    handlerTimeout: 0,
    sandboxCrash: 0,
    dynamodbThrottle: 0,
    transactionConflict: 0,
    putEventsFailure: 0,
    duplicateDelivery: 0,
    duplicateReceive: 0,
    reorder: 0,
  };
  /** Handler faults (error, timeout, crash) injected per function name: which functions were struck. */
  readonly byFunction: Record<string, number> = {};

  constructor(readonly config: FaultConfig) {
    this.random = seededRandom(config.seed ?? 1);
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** Draws once for a fault kind at its rate; counts it when it happens. */
  roll(kind: Exclude<FaultKind, 'handlerError' | 'handlerTimeout' | 'sandboxCrash'>): boolean {
    const rate = (this.config[kind] as number | undefined) ?? 0;
    return this.hit(kind, rate);
  }

  /**
   * The handler fault for one invocation of a function, if any. A timeout or crash strikes at one of
   * the handler's first MIDWAY_REQUESTS requests to AWS, before it is sent or once it is (or when the
   * handler finishes, if it makes fewer): so it falls between a write and its PutEvents as often as anywhere.
   */
  handlerFault(functionName: string): SandboxFault | undefined {
    const handlers = this.config.handlers ?? {};
    const override = Object.entries(handlers.perFunction ?? {}).find(([part]) => functionName.includes(part))?.[1] ?? {};
    const rates = { ...handlers, ...override };
    const fault: SandboxFault | undefined = this.hit('handlerTimeout', rates.handlerTimeout ?? 0)
      ? { kind: 'timeout', ...this.strikePoint() }
      : this.hit('sandboxCrash', rates.sandboxCrash ?? 0)
        ? { kind: 'crash', ...this.strikePoint() }
        : this.hit('handlerError', rates.handlerError ?? 0)
          ? 'error'
          : undefined;
    if (fault !== undefined) this.byFunction[functionName] = (this.byFunction[functionName] ?? 0) + 1;
    return fault;
  }

  private strikePoint(): Pick<MidwayFault, 'request' | 'when'> {
    const point = Math.floor(this.random() * MIDWAY_REQUESTS * 2);
    return { request: Math.floor(point / 2) + 1, when: point % 2 === 0 ? 'before-send' : 'once-sent' };
  }

  /** A delay in [0, reorderMaxDelayMs) for a reordered delivery. */
  reorderDelay(): number {
    return Math.floor(this.random() * (this.config.reorderMaxDelayMs ?? 1000));
  }

  private hit(kind: FaultKind, rate: number): boolean {
    if (rate <= 0) return false;
    const hit = this.random() < rate;
    if (hit) this.counts[kind]++;
    return hit;
  }
}

/** Reads a fault configuration: a JSON file's contents, validated, each rate between 0 and 1. */
export function parseFaultConfig(text: string, source: string): FaultConfig {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new Error(`${source} must hold a JSON object of fault rates`);
  const check = (path: string, value: unknown) => {
    if (typeof value !== 'number' || value < 0 || value > 1) throw new Error(`${source}: ${path} must be a rate between 0 and 1, got ${JSON.stringify(value)}`);
  };
  const known = ['seed', 'handlers', 'dynamodbThrottle', 'transactionConflict', 'putEventsFailure', 'duplicateDelivery', 'duplicateReceive', 'reorder', 'reorderMaxDelayMs'];
  for (const [key, value] of Object.entries(config)) {
    if (!known.includes(key)) throw new Error(`${source}: unknown fault "${key}" (known: ${known.join(', ')})`);
    if (key === 'seed' || key === 'reorderMaxDelayMs') {
      if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`${source}: ${key} must be a non-negative integer`);
    } else if (key === 'handlers') {
      for (const [rate, v] of Object.entries(value as object)) {
        if (rate === 'perFunction') for (const [fn, rates] of Object.entries(v as object)) for (const [r, x] of Object.entries(rates as object)) check(`handlers.perFunction.${fn}.${r}`, x);
        else check(`handlers.${rate}`, v);
      }
    } else check(key, value);
  }
  return config as FaultConfig;
}

/**
 * The fault configuration a command-line option names: `default` (the chaos run's mix), inline JSON
 * (`'{"handlers":{"handlerError":0.1}}'`), or a JSON file.
 */
export function faultConfigFromOption(value: string, readFile: (file: string) => string): FaultConfig {
  if (value === 'default') return DEFAULT_FAULT_MIX;
  if (value.trimStart().startsWith('{')) return parseFaultConfig(value, '--faults');
  return parseFaultConfig(readFile(value), value);
}
