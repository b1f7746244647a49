import { AwsError } from '../aws-error';
import type { GatewayService } from '../gateway/server';
import { compileFilterPattern } from './filter-pattern';
import { eventSize, LogStore, type LogGroup, type LogStoreLimits, type LogStream, type StoredEvent } from './log-store';

export interface LogsServiceOptions {
  readonly region: string;
  readonly accountId: string;
  /** The cloud's clock: creation and ingestion times, retention, PutLogEvents' too old / too new. */
  readonly now: () => number;
  readonly limits?: LogStoreLimits;
}

type Input = Record<string, unknown>;

/** One event as stored, for `subscribe`. */
export interface LiveLogEvent {
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
}

export type LogListener = (event: LiveLogEvent) => void;

const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const DAY_MS = 86_400_000;
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;

const notFoundGroup = () => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
const notFoundStream = () => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
const invalidToken = () => new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);
const validation = (value: unknown, member: string, constraint: string) =>
  new AwsError('InvalidParameterException', `1 validation error detected: Value '${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`);

/**
 * CloudWatch Logs (JSON 1.1, `Logs_20140328.*`) over an in-memory, bounded store: groups, streams,
 * PutLogEvents, GetLogEvents, FilterLogEvents with filter patterns, retention. Lambda's sandboxes
 * write here through `write`, as Lambda writes to `/aws/lambda/<function>`.
 */
export class LogsService implements GatewayService {
  readonly targetPrefix = 'Logs_20140328';
  readonly name = 'logs';
  readonly contentType = 'application/x-amz-json-1.1';
  readonly store: LogStore;
  private sequenceToken = 0;
  private readonly listeners = new Set<LogListener>();

  constructor(private readonly options: LogsServiceOptions) {
    this.store = new LogStore(options.limits);
  }

  /**
   * Writes events to a group and stream, creating either when missing (as Lambda's log agent does);
   * for the local cloud's own writers (sandboxes), never refused.
   */
  write(groupName: string, streamName: string, events: ReadonlyArray<{ timestamp: number; message: string }>): void {
    const now = this.options.now();
    const group = this.store.groups.get(groupName) ?? this.store.createGroup(groupName, now);
    const stream = group.streams.get(streamName) ?? this.store.createStream(group, streamName, now);
    this.store.append(group, stream, events, now);
    this.tell(groupName, streamName, events);
  }

  /**
   * Tells `listener` of every event stored from now on (a sandbox's line or a PutLogEvents), for live
   * views such as a console; returns the function that stops it. A listener that throws is dropped.
   */
  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(logGroupName: string, logStreamName: string, events: ReadonlyArray<{ timestamp: number; message: string }>): void {
    for (const listener of this.listeners) {
      try {
        for (const event of events) listener({ logGroupName, logStreamName, timestamp: event.timestamp, message: event.message });
      } catch {
        this.listeners.delete(listener);
      }
    }
  }

  /** Whether a group exists (the CloudFormation provider's path, as the methods below). */
  hasLogGroup(name: string): boolean {
    return this.store.groups.has(name);
  }

  /** Creates a group with its retention; throws AWS's error (it exists, a bad name, a retention AWS does not offer) before creating anything. */
  createLogGroup(name: string, retentionInDays?: number): void {
    if (retentionInDays !== undefined) checkRetention(retentionInDays);
    this.handleSync('CreateLogGroup', { logGroupName: name });
    if (retentionInDays !== undefined) this.handleSync('PutRetentionPolicy', { logGroupName: name, retentionInDays });
  }

  setRetention(name: string, retentionInDays: number | undefined): void {
    if (retentionInDays === undefined) this.handleSync('DeleteRetentionPolicy', { logGroupName: name });
    else this.handleSync('PutRetentionPolicy', { logGroupName: name, retentionInDays });
  }

  deleteLogGroup(name: string): void {
    const group = this.store.groups.get(name);
    if (group !== undefined) this.store.deleteGroup(group);
  }

  async handle(operation: string, input: Input): Promise<Record<string, unknown>> {
    return this.handleSync(operation, input);
  }

  private handleSync(operation: string, input: Input): Record<string, unknown> {
    switch (operation) {
      case 'CreateLogGroup':
        return this.createGroup(input);
      case 'DeleteLogGroup':
        this.store.deleteGroup(this.group(input));
        return {};
      case 'DescribeLogGroups':
        return this.describeGroups(input);
      case 'PutRetentionPolicy': {
        const group = this.group(input);
        group.retentionInDays = checkRetention(input['retentionInDays']);
        return {};
      }
      case 'DeleteRetentionPolicy':
        delete this.group(input).retentionInDays;
        return {};
      case 'CreateLogStream':
        return this.createStream(input);
      case 'DeleteLogStream': {
        const group = this.group(input);
        this.store.deleteStream(group, this.stream(group, input));
        return {};
      }
      case 'DescribeLogStreams':
        return this.describeStreams(input);
      case 'PutLogEvents':
        return this.putEvents(input);
      case 'GetLogEvents':
        return this.getEvents(input);
      case 'FilterLogEvents':
        return this.filterEvents(input);
      case 'TagLogGroup':
        Object.assign(this.group(input).tags, checkTags(input['tags']));
        return {};
      case 'UntagLogGroup': {
        const group = this.group(input);
        for (const key of (input['tags'] as string[] | undefined) ?? []) delete group.tags[key];
        return {};
      }
      case 'ListTagsLogGroup':
        return { tags: { ...this.group(input).tags } };
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not served by the local cloud's CloudWatch Logs`);
    }
  }

  // --- groups ------------------------------------------------------------------------------------

  private createGroup(input: Input): Record<string, unknown> {
    const name = checkName(input['logGroupName'], 'logGroupName');
    if (!GROUP_NAME.test(name)) throw validation(name, 'logGroupName', 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
    if (this.store.groups.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    const group = this.store.createGroup(name, this.options.now());
    Object.assign(group.tags, checkTags(input['tags']));
    return {};
  }

  private describeGroups(input: Input): Record<string, unknown> {
    const prefix = optionalString(input, 'logGroupNamePrefix');
    const pattern = optionalString(input, 'logGroupNamePattern');
    if (prefix !== undefined && pattern !== undefined) throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    const limit = checkLimit(input, 50);
    const groups = [...this.store.groups.values()]
      .filter((g) => (prefix === undefined || g.name.startsWith(prefix)) && (pattern === undefined || g.name.toLowerCase().includes(pattern.toLowerCase())))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const { page, nextToken } = pageOf(groups, optionalString(input, 'nextToken'), limit);
    return { logGroups: page.map((g) => this.describeGroup(g)), ...(nextToken === undefined ? {} : { nextToken }) };
  }

  private describeGroup(group: LogGroup): Record<string, unknown> {
    const arn = this.groupArn(group.name);
    return {
      logGroupName: group.name,
      creationTime: group.creationTime,
      ...(group.retentionInDays === undefined ? {} : { retentionInDays: group.retentionInDays }),
      metricFilterCount: 0,
      arn: `${arn}:*`,
      storedBytes: group.storedBytes,
      logGroupClass: 'STANDARD',
      logGroupArn: arn,
      deletionProtectionEnabled: false,
    };
  }

  private groupArn(name: string): string {
    return `arn:aws:logs:${this.options.region}:${this.options.accountId}:log-group:${name}`;
  }

  /** The group a request names by `logGroupName` or `logGroupIdentifier` (a name or an ARN). */
  private group(input: Input): LogGroup {
    const identifier = optionalString(input, 'logGroupIdentifier');
    const name = optionalString(input, 'logGroupName');
    if (identifier !== undefined && name !== undefined) throw new AwsError('ValidationException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    let groupName = name ?? identifier;
    if (groupName === undefined) throw invalidParameter('Either logGroupName or logGroupIdentifier must be provided.');
    if (groupName.startsWith('arn:')) groupName = groupName.split(':')[6] ?? '';
    const group = this.store.groups.get(groupName);
    if (group === undefined) throw notFoundGroup();
    return group;
  }

  // --- streams -----------------------------------------------------------------------------------

  private createStream(input: Input): Record<string, unknown> {
    const group = this.group(input);
    const name = checkName(input['logStreamName'], 'logStreamName');
    if (/[:*]/.test(name)) throw validation(name, 'logStreamName', 'Member must satisfy regular expression pattern: [^:*]*');
    if (group.streams.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    this.store.createStream(group, name, this.options.now());
    return {};
  }

  private stream(group: LogGroup, input: Input): LogStream {
    const stream = group.streams.get(String(input['logStreamName'] ?? ''));
    if (stream === undefined) throw notFoundStream();
    return stream;
  }

  private describeStreams(input: Input): Record<string, unknown> {
    const group = this.group(input);
    const prefix = optionalString(input, 'logStreamNamePrefix');
    const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
    if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw validation(orderBy, 'orderBy', 'Member must satisfy enum value set: [LogStreamName, LastEventTime]');
    if (orderBy === 'LastEventTime' && prefix !== undefined) throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
    const limit = checkLimit(input, 50);
    const streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
    const key = (s: LogStream) => (orderBy === 'LastEventTime' ? `${String(this.visible(group, s).at(-1)?.timestamp ?? 0).padStart(16, '0')}/${s.name}` : s.name);
    streams.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (input['descending'] === true) streams.reverse();
    const { page, nextToken } = pageOf(streams, optionalString(input, 'nextToken'), limit);
    return { logStreams: page.map((s) => this.describeStream(group, s)), ...(nextToken === undefined ? {} : { nextToken }) };
  }

  private describeStream(group: LogGroup, stream: LogStream): Record<string, unknown> {
    const events = this.visible(group, stream);
    const first = events[0];
    const last = events.at(-1);
    return {
      logStreamName: stream.name,
      creationTime: stream.creationTime,
      ...(first === undefined || last === undefined ? {} : { firstEventTimestamp: first.timestamp, lastEventTimestamp: last.timestamp }),
      ...(stream.lastIngestionTime === undefined ? {} : { lastIngestionTime: stream.lastIngestionTime }),
      arn: `${this.groupArn(group.name)}:log-stream:${stream.name}`,
      storedBytes: 0,
    };
  }

  /** A stream's events within the group's retention. */
  private visible(group: LogGroup, stream: LogStream): readonly StoredEvent[] {
    if (group.retentionInDays === undefined) return stream.events;
    const oldest = this.options.now() - group.retentionInDays * DAY_MS;
    return stream.events.filter((e) => e.timestamp >= oldest);
  }

  // --- events ------------------------------------------------------------------------------------

  private putEvents(input: Input): Record<string, unknown> {
    const group = this.group(input);
    const stream = this.stream(group, input);
    const events = input['logEvents'];
    if (!Array.isArray(events) || events.length === 0) throw validation('[]', 'logEvents', 'Member must have length greater than or equal to 1');
    if (events.length > 10_000) throw validation(events.length, 'logEvents', 'Member must have length less than or equal to 10000');
    let bytes = 0;
    const parsed = events.map((event, index) => {
      const e = (event ?? {}) as Input;
      if (typeof e['timestamp'] !== 'number' || typeof e['message'] !== 'string') {
        throw invalidParameter(`logEvents.${index + 1}: an event needs a numeric timestamp and a message`);
      }
      if (e['message'].length === 0) throw validation('', `logEvents.${index + 1}.member.message`, 'Member must have length greater than or equal to 1');
      bytes += eventSize(e['message']);
      return { timestamp: e['timestamp'], message: e['message'] };
    });
    if (bytes > 1_048_576) throw invalidParameter('Upload too large: the log events in a single PutLogEvents request may total at most 1,048,576 bytes.');
    for (let i = 1; i < parsed.length; i++) {
      if (parsed[i]!.timestamp < parsed[i - 1]!.timestamp) throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
    if (parsed.at(-1)!.timestamp - parsed[0]!.timestamp > DAY_MS) throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
    // Too old: beyond 14 days or the retention; too new: more than 2 hours ahead. Rejected, not refused.
    const now = this.options.now();
    const oldest = now - Math.min(14, group.retentionInDays ?? 14) * DAY_MS;
    const newest = now + 2 * 3_600_000;
    let tooOldEnd = -1;
    let tooNewStart = -1;
    parsed.forEach((e, i) => {
      if (e.timestamp < oldest) tooOldEnd = i;
      else if (e.timestamp > newest && tooNewStart < 0) tooNewStart = i;
    });
    const accepted = parsed.filter((e) => e.timestamp >= oldest && e.timestamp <= newest);
    if (accepted.length > 0) {
      this.store.append(group, stream, accepted, now);
      this.tell(group.name, stream.name, accepted);
    }
    const rejected = {
      ...(tooOldEnd >= 0 ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
      ...(tooNewStart >= 0 ? { tooNewLogEventStartIndex: tooNewStart } : {}),
    };
    // Sequence tokens are ignored since 2023; AWS still answers one.
    return { nextSequenceToken: String(++this.sequenceToken).padStart(56, '0'), ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}) };
  }

  /**
   * GetLogEvents: `startFromHead` reads from the oldest event, otherwise the newest page. A forward
   * token reads after the last event returned, a backward token before the first; at the end of the
   * stream the token given comes back unchanged (how clients know to stop or poll).
   */
  private getEvents(input: Input): Record<string, unknown> {
    const group = this.group(input);
    const stream = this.stream(group, input);
    const limit = checkLimit(input, 10_000);
    const startTime = optionalNumber(input, 'startTime') ?? -Infinity;
    const endTime = optionalNumber(input, 'endTime') ?? Infinity;
    const events = this.visible(group, stream).filter((e) => e.timestamp >= startTime && e.timestamp < endTime);
    const token = optionalString(input, 'nextToken');
    let page: readonly StoredEvent[];
    let forward: boolean;
    if (token === undefined) {
      forward = input['startFromHead'] === true;
      page = forward ? events.slice(0, limit) : events.slice(Math.max(0, events.length - limit));
    } else {
      const match = /^([fb])\/(\d+)$/.exec(token);
      if (match === null) throw invalidToken();
      const position = Number(match[2]);
      forward = match[1] === 'f';
      page = forward ? events.filter((e) => e.seq > position).slice(0, limit) : events.filter((e) => e.seq < position).slice(-limit);
      if (page.length === 0) {
        return { events: [], nextForwardToken: forward ? token : `f/${position - 1}`, nextBackwardToken: forward ? `b/${position + 1}` : token };
      }
    }
    const first = page[0];
    const last = page.at(-1);
    // Before any event: a forward token that reads from the start of the stream, a backward one at the start.
    const nextForwardToken = `f/${last?.seq ?? (forward ? 0 : (events.at(-1)?.seq ?? 0))}`;
    const nextBackwardToken = `b/${first?.seq ?? 0}`;
    return { events: page.map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime })), nextForwardToken, nextBackwardToken };
  }

  /** FilterLogEvents: events of the group's streams (all, named, or by prefix) in time order, matching the pattern. */
  private filterEvents(input: Input): Record<string, unknown> {
    const group = this.group(input);
    const names = input['logStreamNames'];
    const prefix = optionalString(input, 'logStreamNamePrefix');
    if (names !== undefined && prefix !== undefined) throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
    const limit = checkLimit(input, 10_000);
    const startTime = optionalNumber(input, 'startTime') ?? -Infinity;
    const endTime = optionalNumber(input, 'endTime') ?? Infinity;
    const matches = compileFilterPattern(optionalString(input, 'filterPattern'));
    let streams = [...group.streams.values()];
    if (Array.isArray(names)) {
      if (names.length === 0 || names.length > 100) throw validation(names, 'logStreamNames', 'Member must have length between 1 and 100');
      const wanted = new Set(names.map(String));
      streams = streams.filter((s) => wanted.has(s.name));
      if (streams.length === 0) throw notFoundStream();
    } else if (prefix !== undefined) {
      streams = streams.filter((s) => s.name.startsWith(prefix));
    }
    const token = optionalString(input, 'nextToken');
    let after = { timestamp: -Infinity, seq: 0 };
    if (token !== undefined) {
      const match = /^(-?\d+)\.(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
      if (match === null) throw invalidToken();
      after = { timestamp: Number(match[1]), seq: Number(match[2]) };
    }
    const found: Array<{ stream: LogStream; event: StoredEvent }> = [];
    for (const stream of streams) {
      for (const event of this.visible(group, stream)) {
        if (event.timestamp < startTime || event.timestamp > endTime) continue;
        if (event.timestamp < after.timestamp || (event.timestamp === after.timestamp && event.seq <= after.seq)) continue;
        if (matches(event.message)) found.push({ stream, event });
      }
    }
    found.sort((a, b) => a.event.timestamp - b.event.timestamp || a.event.seq - b.event.seq);
    const page = found.slice(0, limit);
    const last = page.at(-1)?.event;
    const more = found.length > limit && last !== undefined;
    return {
      events: page.map(({ stream, event }) => ({
        logStreamName: stream.name,
        timestamp: event.timestamp,
        message: event.message,
        ingestionTime: event.ingestionTime,
        eventId: `${String(event.timestamp).padStart(20, '0')}${String(event.seq).padStart(36, '0')}`,
      })),
      searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: !more })),
      ...(more ? { nextToken: Buffer.from(`${last.timestamp}.${last.seq}`).toString('base64url') } : {}),
    };
  }
}

function checkTags(tags: unknown): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) throw invalidParameter('tags must be a map of strings to strings');
  return tags as Record<string, string>;
}

function checkRetention(days: unknown): number {
  if (typeof days !== 'number' || !RETENTION_DAYS.includes(days)) throw validation(days, 'retentionInDays', `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
  return days;
}

function checkName(value: unknown, member: string): string {
  if (typeof value !== 'string' || value.length === 0) throw validation(value ?? 'null', member, 'Member must have length greater than or equal to 1');
  if (value.length > 512) throw invalidParameter('Invalid LogGroup or LogStream, both must have length less than or equal to 512.');
  return value;
}

function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${member} must be a string`);
  return value;
}

function optionalNumber(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParameter(`${member} must be a number`);
  return value;
}

function checkLimit(input: Input, max: number): number {
  const limit = optionalNumber(input, 'limit');
  if (limit === undefined) return max;
  if (limit < 1) throw validation(limit, 'limit', 'Member must have value greater than or equal to 1');
  if (limit > max) throw validation(limit, 'limit', `Member must have value less than or equal to ${max}`);
  return limit;
}

function pageOf<T>(items: readonly T[], token: string | undefined, limit: number): { page: T[]; nextToken?: string } {
  const start = decodeOffset(token);
  const page = items.slice(start, start + limit);
  return start + limit < items.length ? { page, nextToken: encodeOffset(start + limit) } : { page };
}

const encodeOffset = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

function decodeOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (match === null) throw invalidToken();
  return Number(match[1]);
}
