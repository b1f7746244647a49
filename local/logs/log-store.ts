/** One stored log event. `seq` orders events of the same millisecond and makes the event's id. */
export interface StoredEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
  readonly seq: number;
}

export interface LogStream {
  readonly name: string;
  readonly creationTime: number;
  /** Sorted by (timestamp, seq). */
  readonly events: StoredEvent[];
  lastIngestionTime?: number;
  deleted: boolean;
}

export interface LogGroup {
  readonly name: string;
  readonly creationTime: number;
  retentionInDays?: number;
  readonly streams: Map<string, LogStream>;
  storedBytes: number;
  readonly tags: Record<string, string>;
}

export interface LogStoreLimits {
  /** Events kept per stream; the oldest go first. @default 10000 */
  readonly eventsPerStream?: number;
  /** Bytes of events kept in all (as AWS counts them); the oldest events go first. @default 32 MiB */
  readonly totalBytes?: number;
}

/** Bytes AWS counts for an event: its message in UTF-8 plus 26. */
export const eventSize = (message: string): number => Buffer.byteLength(message, 'utf8') + 26;

/**
 * CloudWatch Logs' groups, streams and events, in memory and bounded: a stream keeps at most
 * `eventsPerStream` events and the store `totalBytes` of them, dropping the oldest, so a chatty
 * handler cannot grow the local cloud without limit.
 */
export class LogStore {
  readonly groups = new Map<string, LogGroup>();
  private seq = 0;
  private bytes = 0;
  private readonly eventsPerStream: number;
  private readonly totalBytes: number;

  constructor(limits: LogStoreLimits = {}) {
    this.eventsPerStream = limits.eventsPerStream ?? 10_000;
    this.totalBytes = limits.totalBytes ?? 32 * 1024 * 1024;
  }

  /** Bytes of events held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  createGroup(name: string, now: number): LogGroup {
    const group: LogGroup = { name, creationTime: now, streams: new Map(), storedBytes: 0, tags: {} };
    this.groups.set(name, group);
    return group;
  }

  deleteGroup(group: LogGroup): void {
    for (const stream of group.streams.values()) this.deleteStream(group, stream);
    this.groups.delete(group.name);
  }

  createStream(group: LogGroup, name: string, now: number): LogStream {
    const stream: LogStream = { name, creationTime: now, events: [], deleted: false };
    group.streams.set(name, stream);
    return stream;
  }

  deleteStream(group: LogGroup, stream: LogStream): void {
    stream.deleted = true;
    for (const event of stream.events) this.bytes -= eventSize(event.message);
    group.storedBytes -= stream.events.reduce((sum, e) => sum + eventSize(e.message), 0);
    stream.events.length = 0;
    group.streams.delete(stream.name);
  }

  /** Stores events (any order), then drops the oldest beyond the bounds. */
  append(group: LogGroup, stream: LogStream, events: ReadonlyArray<{ timestamp: number; message: string }>, now: number): void {
    for (const { timestamp, message } of events) {
      const event: StoredEvent = { timestamp, message, ingestionTime: now, seq: ++this.seq };
      const list = stream.events;
      // Events mostly arrive in order: append, or insert at the place their timestamp gives.
      let at = list.length;
      while (at > 0 && list[at - 1]!.timestamp > timestamp) at--;
      list.splice(at, 0, event);
      const size = eventSize(message);
      this.bytes += size;
      group.storedBytes += size;
      if (list.length > this.eventsPerStream) this.dropOldest(group, stream);
    }
    stream.lastIngestionTime = now;
    // Over the byte bound: the oldest events of the whole store go, down to 90% of it, so the scan
    // over streams runs once per many appends rather than once per event.
    if (this.bytes > this.totalBytes) {
      while (this.bytes > this.totalBytes * 0.9) {
        const oldest = this.oldestStream();
        if (oldest === undefined) break;
        this.dropOldest(oldest.group, oldest.stream);
      }
    }
  }

  private oldestStream(): { group: LogGroup; stream: LogStream } | undefined {
    let found: { group: LogGroup; stream: LogStream; timestamp: number } | undefined;
    for (const group of this.groups.values()) {
      for (const stream of group.streams.values()) {
        const first = stream.events[0];
        if (first !== undefined && (found === undefined || first.timestamp < found.timestamp)) found = { group, stream, timestamp: first.timestamp };
      }
    }
    return found;
  }

  private dropOldest(group: LogGroup, stream: LogStream): void {
    const dropped = stream.events.shift();
    if (dropped === undefined) return;
    const size = eventSize(dropped.message);
    this.bytes -= size;
    group.storedBytes -= size;
  }
}
