import type { StateDir } from './state-dir';
import { writeStateFile } from './state-file';

/** One service's share of the saved state. */
export interface PersistedPart {
  readonly name: string;
  /** Cheap to call; changes whenever what `save` gives would change (a counter, a sequence number). */
  mark(): string | number;
  /** Plain JSON. */
  save(): unknown | Promise<unknown>;
}

export interface PersistenceOptions {
  readonly dir: StateDir;
  readonly parts: readonly PersistedPart[];
  /** How often the parts are checked and, when any changed, written. @default 1000 */
  readonly intervalMs?: number;
  readonly log?: (message: string) => void;
}

/**
 * Writes the local cloud's state to its persist directory: at most once per interval, and only when
 * a part's mark moved, and once more at stop. Interval, not every change: a busy pipeline changes its
 * queues thousands of times a second, and each write serializes everything; so a crash (SIGKILL, power)
 * loses at most the last interval's changes to queues, archives and the recorder. A write that takes
 * long (a full recorder is 100,000 hops, about 20 MB and 240 ms to serialize) spaces the next one to ten
 * times its duration, so saving never takes more than about a tenth of the cloud's time; the bound on
 * what a crash loses grows with it (2.4 s with a full recorder). Tables are not
 * written here: DynamoDB Local writes each request to its database file as it completes.
 * The timer is the wall clock's (unref'd), not the cloud's: durability is about real time, and a
 * test's manual clock must not hold back or drive the saves.
 */
export class Persistence {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private lastMarks = '';
  private writing: Promise<boolean> = Promise.resolve(false);
  private failing = false;
  /** Wall-clock time before which a periodic save does not write (see the class comment). */
  private nextAllowed = 0;
  /** Writes done (tests and the report read it). */
  writes = 0;

  constructor(private readonly options: PersistenceOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
  }

  /** Starts the periodic saves; the current state counts as saved (it was just restored). */
  start(): void {
    this.lastMarks = this.marks();
    this.timer = setInterval(() => {
      if (Date.now() >= this.nextAllowed) void this.save().catch(() => undefined);
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Writes when anything changed since the last write (or always, `force`); true when it wrote. */
  save(force = false): Promise<boolean> {
    // One write at a time, in order: a save asked during a write runs after it, with what is then current.
    this.writing = this.writing.then(() => this.write(force)).catch(() => false);
    return this.writing;
  }

  /** A last write, then the directory is released for another local cloud. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    try {
      await this.save(true);
    } finally {
      this.options.dir.release();
    }
  }

  private marks(): string {
    return JSON.stringify(this.options.parts.map((part) => part.mark()));
  }

  private async write(force: boolean): Promise<boolean> {
    const marks = this.marks();
    if (!force && marks === this.lastMarks) return false;
    const started = Date.now();
    try {
      const parts: Record<string, unknown> = {};
      for (const part of this.options.parts) parts[part.name] = await part.save();
      writeStateFile(this.options.dir.path, parts);
      this.lastMarks = marks;
      this.writes++;
      this.nextAllowed = Date.now() + 10 * (Date.now() - started);
      if (this.failing) this.options.log?.(`persist: writing ${this.options.dir.path} works again`);
      this.failing = false;
      return true;
    } catch (error) {
      // A full disk must not stop the cloud: say so once, keep the last good file, try again next time.
      if (!this.failing) this.options.log?.(`persist: cannot write the state to ${this.options.dir.path}: ${(error as Error).message}`);
      this.failing = true;
      if (force) throw error;
      return false;
    }
  }
}
