/** A scheduled callback; cancelling is cheap and idempotent. */
export interface Timer {
  cancel(): void;
}

/**
 * The one clock of the local cloud: every timer (visibility, delays, retention, retries, batching
 * windows, long polls) runs on it, so a test can swap in a `ManualClock` and advance time instead
 * of waiting, and nothing ever busy-polls.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` once `now()` reaches `at` (ms since the epoch). */
  at(at: number, fn: () => void): Timer;
  /** Runs `fn` after `ms` milliseconds. */
  after(ms: number, fn: () => void): Timer;
  /** Jumps to the next timer, running it; false when none is scheduled. */
  warp(): boolean;
  /** Timers not yet due. */
  readonly pendingTimers: number;
}

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A binary min-heap of timers ordered by due time, then by scheduling order. */
class TimerHeap {
  private readonly heap: Entry[] = [];
  private cancelled = 0;
  private seq = 0;

  get size(): number {
    return this.heap.length - this.cancelled;
  }

  push(at: number, fn: () => void): Entry {
    const entry: Entry = { at, seq: this.seq++, fn, cancelled: false };
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    return entry;
  }

  cancel(entry: Entry): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    this.cancelled++;
    // Cancelled entries are dropped lazily; rebuild when they dominate, so memory stays bounded.
    if (this.cancelled > 1024 && this.cancelled * 2 > this.heap.length) this.compact();
  }

  /** The earliest live entry, without removing it. */
  peek(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  pop(): Entry | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    if (top.cancelled) this.cancelled--;
    return top;
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    this.heap.length = 0;
    this.cancelled = 0;
    for (const entry of live) {
      this.heap.push(entry);
      this.up(this.heap.length - 1);
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) return;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < h.length && this.less(h[l]!, h[smallest]!)) smallest = l;
      if (r < h.length && this.less(h[r]!, h[smallest]!)) smallest = r;
      if (smallest === i) return;
      [h[i], h[smallest]] = [h[smallest]!, h[i]!];
      i = smallest;
    }
  }
}

abstract class HeapClock implements Clock {
  protected readonly timers = new TimerHeap();

  abstract now(): number;
  protected abstract reschedule(): void;
  /**
   * Jumps to the next timer and runs what falls due; false when none is scheduled. Used only while
   * the local cloud is idle and settling, so waits (visibility timeouts, retry backoff) pass at once.
   */
  abstract warp(): boolean;

  /** Timers not yet due (for settling: a pending retry or delay is work still to do). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  at(at: number, fn: () => void): Timer {
    const entry = this.timers.push(at, fn);
    this.reschedule();
    return { cancel: () => this.timers.cancel(entry) };
  }

  after(ms: number, fn: () => void): Timer {
    return this.at(this.now() + Math.max(0, ms), fn);
  }

  /** Runs every timer due at `now()`, in due order; timers they schedule for now run too. */
  protected runDue(): void {
    for (;;) {
      const next = this.timers.peek();
      if (next === undefined || next.at > this.now()) return;
      this.timers.pop();
      try {
        next.fn();
      } catch (error) {
        // A failing timer must not stop the others: report and go on.
        process.emitWarning(`local cloud timer failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
  }
}

/** Wall-clock time, with one Node timer armed for the earliest due entry. */
export class SystemClock extends HeapClock {
  private armed: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  /** Time skipped by warps while idle. */
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  warp(): boolean {
    const next = this.timers.peek();
    if (next === undefined) return false;
    this.offset += Math.max(0, next.at - this.now());
    // The armed Node timer's delay was measured before the jump: it is stale now (it would hold
    // back every timer due before it, by up to the time skipped). Re-arm from the new offset.
    this.disarm();
    this.runDue();
    this.reschedule();
    return true;
  }

  protected reschedule(): void {
    const next = this.timers.peek();
    if (next === undefined) return this.disarm();
    if (this.armed !== undefined && next.at >= this.armedFor) return;
    this.disarm();
    this.armedFor = next.at;
    this.armed = setTimeout(() => {
      this.armed = undefined;
      this.armedFor = Infinity;
      this.runDue();
      this.reschedule();
    }, Math.max(0, next.at - this.now()));
  }

  /** Stops the armed Node timer, so a stopped local cloud lets the process exit. */
  stop(): void {
    this.disarm();
  }

  private disarm(): void {
    if (this.armed !== undefined) clearTimeout(this.armed);
    this.armed = undefined;
    this.armedFor = Infinity;
  }
}

/** Time that moves only when a test says so. */
export class ManualClock extends HeapClock {
  private current: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    super();
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  protected reschedule(): void {}

  warp(): boolean {
    const next = this.timers.peek();
    if (next === undefined) return false;
    this.advance(Math.max(0, next.at - this.current));
    return true;
  }

  /** Moves time forward, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.timers.peek();
      if (next === undefined || next.at > target) break;
      this.current = Math.max(this.current, next.at);
      this.runDue();
    }
    this.current = target;
  }
}
