import type { Clock } from '../clock';
import { ConstraintCheck, NAME_PATTERN } from './constraints';
import { EventsErrors } from './errors';
import type { EventBridgeService } from './eventbridge-service';
import { paginate } from './paginate';
import { InvalidEventPatternError, parsePattern, type CompiledPattern } from './pattern';
import type { BusEvent } from './put-events';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

interface Archive {
  readonly name: string;
  readonly arn: string;
  readonly sourceArn: string;
  description?: string;
  pattern?: string;
  compiled?: CompiledPattern;
  retentionDays: number;
  readonly createdAt: number;
  readonly events: Array<{ event: BusEvent; at: number; bytes: number }>;
  sizeBytes: number;
}

interface Replay {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly archive: Archive;
  readonly start: number;
  readonly end: number;
  readonly destination: { Arn: string; FilterArns?: string[] };
  state: 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';
  stateReason?: string;
  readonly startedAt: number;
  endedAt?: number;
  lastReplayed?: number;
}

/** An archive as `--persist` saves it: its settings and events, with when each was archived (the cloud's clock). */
export interface ArchiveState {
  readonly name: string;
  readonly sourceArn: string;
  readonly description?: string;
  readonly pattern?: string;
  readonly retentionDays: number;
  readonly events: ReadonlyArray<{ readonly event: BusEvent; readonly at: number }>;
}

const seconds = (ms: number) => ms / 1000;
/** CreateArchive's EventSourceArn, as the API reference gives its pattern. */
const EVENTS_ARN_PATTERN = '^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:.+\\/.+$';
/** How long a replay stays STARTING before it sends its events (AWS takes minutes; time on the cloud's clock). */
const REPLAY_START_DELAY_MS = 1000;
/** Replays STARTING or RUNNING at once, per account and region (recorded on AWS: tests_concurrency_error_too_many_active_replays). */
const MAX_ACTIVE_REPLAYS = 10;

/**
 * EventBridge archives and replays: an archive keeps the events of its bus that match its pattern
 * (replayed events are not archived again); a replay sends a time window of them back to the bus,
 * each marked with `replay-name`, to all rules or only to `FilterArns`.
 */
export class Archives {
  private readonly archives = new Map<string, Archive>();
  private readonly replays = new Map<string, Replay>();
  private changeCount = 0;

  constructor(
    private readonly eventBridge: EventBridgeService,
    private readonly clock: Clock,
  ) {}

  /** Replays not yet finished (for settling; each waits only on its timer on the cloud's clock). */
  get active(): number {
    return [...this.replays.values()].filter((r) => r.state === 'STARTING' || r.state === 'RUNNING' || r.state === 'CANCELLING').length;
  }

  /** The events an archive holds, oldest first (for tools that run in-process, such as chaos checks). */
  eventsOf(archiveName: string): readonly BusEvent[] {
    return this.archive(archiveName).events.map((e) => e.event);
  }

  record(busArn: string, event: BusEvent): void {
    for (const archive of this.archives.values()) {
      if (archive.sourceArn !== busArn) continue;
      if (archive.compiled !== undefined && !archive.compiled.matches(event)) continue;
      this.keep(archive, event, this.clock.now());
    }
  }

  private keep(archive: Archive, event: BusEvent, at: number): void {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    archive.events.push({ event, at, bytes });
    archive.sizeBytes += bytes;
    this.changeCount++;
  }

  /** Rises with every change of an archive or its events (`--persist` saves only when it moved). */
  get changes(): number {
    return this.changeCount;
  }

  /** Every archive with its events, for `--persist` (replays are not kept: one cut off by a stop would not resume). */
  exportState(): ArchiveState[] {
    return [...this.archives.values()].map((archive) => ({
      name: archive.name,
      sourceArn: archive.sourceArn,
      ...(archive.description === undefined ? {} : { description: archive.description }),
      ...(archive.pattern === undefined ? {} : { pattern: archive.pattern }),
      retentionDays: archive.retentionDays,
      events: archive.events.map(({ event, at }) => ({ event, at })),
    }));
  }

  /**
   * Puts saved events back in their archives, before any the archive got since it was created again
   * (the deployed app creates its archives; others are created again when their bus exists). Answers
   * the events restored and the archives that could not be (their bus is gone), with the reason.
   */
  importState(saved: readonly ArchiveState[]): { events: number; failed: Array<{ archive: string; reason: string }> } {
    let events = 0;
    const failed: Array<{ archive: string; reason: string }> = [];
    for (const state of saved) {
      let archive = this.archives.get(state.name);
      if (archive === undefined) {
        try {
          this.create({
            ArchiveName: state.name,
            EventSourceArn: state.sourceArn,
            RetentionDays: state.retentionDays,
            ...(state.description === undefined ? {} : { Description: state.description }),
            ...(state.pattern === undefined ? {} : { EventPattern: state.pattern }),
          });
        } catch (error) {
          failed.push({ archive: state.name, reason: (error as Error).message });
          continue;
        }
        archive = this.archive(state.name);
      }
      const since = archive.events.splice(0);
      archive.sizeBytes = 0;
      for (const { event, at } of state.events) this.keep(archive, event, at);
      for (const { event, at } of since) this.keep(archive, event, at);
      events += state.events.length;
    }
    return { events, failed };
  }

  /** Empties every archive (keeping the archives) and forgets replays (`POST /_local/reset`); the counts removed. */
  clear(): { events: number; replays: number } {
    let events = 0;
    for (const archive of this.archives.values()) {
      events += archive.events.length;
      archive.events.length = 0;
      archive.sizeBytes = 0;
    }
    // An active replay stops at its next step (it finds itself CANCELLED); its name is free again.
    for (const replay of this.replays.values()) if (replay.state === 'STARTING' || replay.state === 'RUNNING') replay.state = 'CANCELLED';
    const replays = this.replays.size;
    this.replays.clear();
    this.changeCount++;
    return { events, replays };
  }

  create(input: Input): Output {
    const check = new ConstraintCheck();
    if (check.required(input['ArchiveName'], 'archiveName')) check.text(input['ArchiveName'], 'archiveName', { pattern: NAME_PATTERN, min: 1, max: 48 });
    if (check.required(input['EventSourceArn'], 'eventSourceArn')) check.text(input['EventSourceArn'], 'eventSourceArn', { pattern: EVENTS_ARN_PATTERN, min: 1, max: 1600 });
    check.text(input['Description'], 'description', { max: 512 });
    check.range(input['RetentionDays'], 'retentionDays', 0, 2_147_483_647);
    check.throwIfFailed();
    const name = requireName(input, 'ArchiveName');
    if (this.archives.has(name)) throw EventsErrors.alreadyExists(`Archive ${name} already exists.`);
    const bus = this.eventBridge.bus(requireName(input, 'EventSourceArn'));
    const archive: Archive = {
      name,
      arn: `arn:aws:events:${this.eventBridge.region}:${this.eventBridge.accountId}:archive/${name}`,
      sourceArn: bus.arn,
      retentionDays: 0,
      createdAt: this.clock.now(),
      events: [],
      sizeBytes: 0,
    };
    this.configure(archive, input);
    this.archives.set(name, archive);
    this.changeCount++;
    return { ArchiveArn: archive.arn, State: 'ENABLED', CreationTime: seconds(archive.createdAt) };
  }

  update(input: Input): Output {
    // Checked before the archive is looked up (recorded on AWS: test_update_archive_error_unknown_archive).
    if (input['EventPattern'] === undefined && input['RetentionDays'] === undefined && input['Description'] === undefined) {
      throw EventsErrors.validation('At least one of EventPattern, RetentionDays or Description must be provided.');
    }
    const archive = this.archive(requireName(input, 'ArchiveName'));
    this.configure(archive, input);
    this.changeCount++;
    return { ArchiveArn: archive.arn, State: 'ENABLED', CreationTime: seconds(archive.createdAt) };
  }

  describe(input: Input): Output {
    const archive = this.archive(requireName(input, 'ArchiveName'));
    this.prune(archive);
    return {
      ArchiveArn: archive.arn,
      ArchiveName: archive.name,
      EventSourceArn: archive.sourceArn,
      ...(archive.description === undefined ? {} : { Description: archive.description }),
      ...(archive.pattern === undefined ? {} : { EventPattern: archive.pattern }),
      State: 'ENABLED',
      RetentionDays: archive.retentionDays,
      SizeBytes: archive.sizeBytes,
      EventCount: archive.events.length,
      CreationTime: seconds(archive.createdAt),
    };
  }

  list(input: Input): Output {
    const prefix = typeof input['NamePrefix'] === 'string' ? input['NamePrefix'] : '';
    // A source bus that does not exist is an error, not an empty list (recorded on AWS: test_list_archive_error_unknown_source_arn).
    const source = typeof input['EventSourceArn'] === 'string' ? this.eventBridge.bus(input['EventSourceArn']).arn : undefined;
    const state = typeof input['State'] === 'string' ? input['State'] : undefined;
    const items = [...this.archives.values()]
      .filter((a) => a.name.startsWith(prefix) && (source === undefined || a.sourceArn === source) && (state === undefined || state === 'ENABLED'))
      .map((a) => ({ ArchiveName: a.name, EventSourceArn: a.sourceArn, State: 'ENABLED', RetentionDays: a.retentionDays, SizeBytes: a.sizeBytes, EventCount: a.events.length, CreationTime: seconds(a.createdAt) }));
    return paginate(items, input, 'Archives');
  }

  delete(input: Input): Output {
    const archive = this.archive(requireName(input, 'ArchiveName'));
    this.archives.delete(archive.name);
    this.changeCount++;
    return {};
  }

  /**
   * StartReplay, checked as AWS does (recorded on AWS, test_archive_and_replay.py::TestReplay): a
   * name in use is ResourceAlreadyExistsException; the window must not be empty; an archive that
   * does not exist is a ValidationException on EventSourceArn; a destination bus that does not exist
   * is ResourceNotFoundException; any other bus than the archive's is "Cross event bus replay is not
   * permitted."; at most 10 replays may be active. The replay starts after a moment on the cloud's clock.
   */
  startReplay(input: Input): Output {
    const check = new ConstraintCheck();
    if (check.required(input['ReplayName'], 'replayName')) check.text(input['ReplayName'], 'replayName', { pattern: NAME_PATTERN, min: 1, max: 64 });
    if (check.required(input['EventSourceArn'], 'eventSourceArn')) check.text(input['EventSourceArn'], 'eventSourceArn', { min: 1, max: 1600 });
    check.required(input['EventStartTime'], 'eventStartTime');
    check.required(input['EventEndTime'], 'eventEndTime');
    check.required(input['Destination'], 'destination');
    check.text(input['Description'], 'description', { max: 512 });
    check.throwIfFailed();
    const name = requireName(input, 'ReplayName');
    if (this.replays.has(name)) throw EventsErrors.alreadyExists(`Replay ${name} already exists.`);
    const start = timestamp(input['EventStartTime'], 'EventStartTime');
    const end = timestamp(input['EventEndTime'], 'EventEndTime');
    if (start >= end) throw EventsErrors.validation('Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.');
    const sourceArn = requireName(input, 'EventSourceArn');
    const archiveName = sourceArn.slice(sourceArn.lastIndexOf('/') + 1);
    const archive = this.archives.get(archiveName);
    if (archive === undefined || !sourceArn.includes(':archive/')) {
      throw EventsErrors.validation(`Parameter EventSourceArn is not valid. Reason: Archive ${archiveName} does not exist.`);
    }
    const destination = input['Destination'] as { Arn?: unknown; FilterArns?: unknown };
    if (typeof destination.Arn !== 'string' || destination.Arn === '') throw EventsErrors.validation("1 validation error detected: Value null at 'destination.arn' failed to satisfy constraint: Member must not be null");
    const bus = this.eventBridge.bus(destination.Arn);
    if (bus.arn !== archive.sourceArn) throw EventsErrors.validation('Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.');
    if (this.activeReplays() >= MAX_ACTIVE_REPLAYS) throw EventsErrors.limitExceeded('The requested resource exceeds the maximum number allowed.');
    const filterArns = Array.isArray(destination.FilterArns) ? destination.FilterArns.map(String) : undefined;
    const replay: Replay = {
      name,
      arn: `arn:aws:events:${this.eventBridge.region}:${this.eventBridge.accountId}:replay/${name}`,
      ...(typeof input['Description'] === 'string' ? { description: input['Description'] } : {}),
      archive,
      start,
      end,
      destination: { Arn: destination.Arn, ...(filterArns === undefined ? {} : { FilterArns: filterArns }) },
      state: 'STARTING',
      startedAt: this.clock.now(),
    };
    this.replays.set(name, replay);
    this.clock.after(REPLAY_START_DELAY_MS, () => this.run(replay));
    return { ReplayArn: replay.arn, State: replay.state, ReplayStartTime: seconds(replay.startedAt) };
  }

  describeReplay(input: Input): Output {
    const replay = this.replay(requireName(input, 'ReplayName'));
    return {
      ReplayName: replay.name,
      ReplayArn: replay.arn,
      ...(replay.description === undefined ? {} : { Description: replay.description }),
      State: replay.state,
      ...(replay.stateReason === undefined ? {} : { StateReason: replay.stateReason }),
      EventSourceArn: replay.archive.arn,
      Destination: replay.destination,
      EventStartTime: seconds(replay.start),
      EventEndTime: seconds(replay.end),
      ...(replay.lastReplayed === undefined ? {} : { EventLastReplayedTime: seconds(replay.lastReplayed) }),
      ReplayStartTime: seconds(replay.startedAt),
      ...(replay.endedAt === undefined ? {} : { ReplayEndTime: seconds(replay.endedAt) }),
    };
  }

  /** ListReplays: filtered by NamePrefix, State and EventSourceArn (the archive), in name order. */
  listReplays(input: Input): Output {
    const prefix = typeof input['NamePrefix'] === 'string' ? input['NamePrefix'] : '';
    const state = typeof input['State'] === 'string' ? input['State'] : undefined;
    const source = typeof input['EventSourceArn'] === 'string' ? input['EventSourceArn'] : undefined;
    const items = [...this.replays.values()]
      .filter((r) => r.name.startsWith(prefix) && (state === undefined || r.state === state) && (source === undefined || r.archive.arn === source))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((r) => ({
        ReplayName: r.name,
        EventSourceArn: r.archive.arn,
        State: r.state,
        ...(r.stateReason === undefined ? {} : { StateReason: r.stateReason }),
        EventStartTime: seconds(r.start),
        EventEndTime: seconds(r.end),
        ...(r.lastReplayed === undefined ? {} : { EventLastReplayedTime: seconds(r.lastReplayed) }),
        ReplayStartTime: seconds(r.startedAt),
        ...(r.endedAt === undefined ? {} : { ReplayEndTime: seconds(r.endedAt) }),
      }));
    return paginate(items, input, 'Replays');
  }

  /** CancelReplay: an active replay answers CANCELLING at once, and is CANCELLED when its work next comes up (recorded on AWS: test_start_list_describe_canceled_replay). */
  cancelReplay(input: Input): Output {
    const replay = this.replay(requireName(input, 'ReplayName'));
    // The API reference's words for IllegalStatusException.
    if (replay.state !== 'STARTING' && replay.state !== 'RUNNING') throw EventsErrors.illegalStatus('An error occurred because a replay can be canceled only when the state is Running or Starting.');
    replay.state = 'CANCELLING';
    return { ReplayArn: replay.arn, State: replay.state };
  }

  private activeReplays(): number {
    return [...this.replays.values()].filter((r) => r.state === 'STARTING' || r.state === 'RUNNING').length;
  }

  private run(replay: Replay): void {
    if (replay.state === 'CANCELLING') {
      replay.state = 'CANCELLED';
      replay.endedAt = this.clock.now();
      return;
    }
    if (replay.state !== 'STARTING') return;
    replay.state = 'RUNNING';
    const bus = this.eventBridge.busByArn(replay.destination.Arn);
    if (bus === undefined) {
      replay.state = 'FAILED';
      replay.stateReason = `Event bus ${replay.destination.Arn} no longer exists.`;
      return;
    }
    const filter = replay.destination.FilterArns === undefined ? undefined : new Set(replay.destination.FilterArns);
    const window = replay.archive.events
      .filter(({ event }) => {
        const time = Date.parse(event.time);
        return time >= replay.start && time < replay.end;
      })
      .sort((a, b) => Date.parse(a.event.time) - Date.parse(b.event.time));
    for (const { event } of window) {
      if (replay.state !== 'RUNNING') return;
      this.eventBridge.route(bus, replayed(event, replay.name), filter);
      replay.lastReplayed = Date.parse(event.time);
    }
    replay.state = 'COMPLETED';
    replay.endedAt = this.clock.now();
  }

  private configure(archive: Archive, input: Input): void {
    if (typeof input['Description'] === 'string') archive.description = input['Description'];
    if (typeof input['EventPattern'] === 'string') {
      try {
        archive.compiled = parsePattern(input['EventPattern']);
      } catch (error) {
        if (error instanceof InvalidEventPatternError) throw EventsErrors.invalidPattern(error.message);
        throw error;
      }
      archive.pattern = input['EventPattern'];
    }
    if (input['RetentionDays'] !== undefined) {
      const days = Number(input['RetentionDays']);
      if (!Number.isInteger(days) || days < 0) throw EventsErrors.validation(`RetentionDays must be a non-negative integer, got ${String(input['RetentionDays'])}.`);
      archive.retentionDays = days;
    }
  }

  /** Drops events older than the retention (0 keeps them forever). */
  private prune(archive: Archive): void {
    if (archive.retentionDays === 0) return;
    const oldest = this.clock.now() - archive.retentionDays * 86_400_000;
    while (archive.events.length > 0 && archive.events[0]!.at < oldest) archive.sizeBytes -= archive.events.shift()!.bytes;
  }

  private archive(name: string): Archive {
    const archive = this.archives.get(name);
    if (archive === undefined) throw EventsErrors.notFound(`Archive ${name} does not exist.`);
    return archive;
  }

  private replay(name: string): Replay {
    const replay = this.replays.get(name);
    if (replay === undefined) throw EventsErrors.notFound(`Replay ${name} does not exist.`);
    return replay;
  }
}

/** A replayed copy of an event: `replay-name` comes right after `region`, where AWS puts it (recorded on AWS: test_start_list_describe_canceled_replay). */
function replayed(event: BusEvent, name: string): BusEvent {
  const { resources, detail, ...head } = event;
  return { ...head, 'replay-name': name, resources, detail };
}

function requireName(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw EventsErrors.validation(`Parameter ${name} is required.`);
  return value;
}

/** JSON 1.1 timestamps arrive as epoch seconds; ISO text is accepted too. */
function timestamp(value: unknown, name: string): number {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? (/^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value)) : NaN;
  if (!Number.isFinite(ms)) throw EventsErrors.validation(`Parameter ${name} is not valid.`);
  return ms;
}
