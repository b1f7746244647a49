import { arnService } from '../arn';
import type { Clock } from '../clock';
import { AwsError } from '../aws-error';
import type { SqsService } from '../sqs/sqs-service';
import { Archives } from './archives';
import { Deliveries, DeliveryError, type DeliveryFault, type DeliveryTarget } from './delivery';
import { EventsErrors } from './errors';
import { compileInputPath, compileInputTransformer, TransformError, type InputTransformer } from './input-transformer';
import { valueAt } from './json-path';
import { InvalidEventPatternError, parsePattern, type CompiledPattern } from './pattern';
import { buildEvent, validatePutEventsRequest, type BusEvent, type EntryResult } from './put-events';
import { paginate } from './paginate';
import { parseTestEvent } from './test-event';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

export interface TargetSpec {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
}

interface Rule {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  pattern?: string;
  compiled?: CompiledPattern;
  state: string;
  description?: string;
  readonly targets: Map<string, { spec: TargetSpec; delivery: DeliveryTarget }>;
}

interface Bus {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  description?: string;
  readonly rules: Map<string, Rule>;
}

/** Sends a payload to a target of a service other than SQS and EventBridge (Lambda, in part 2). */
export type TargetSender = (arn: string, payload: string, event: BusEvent) => Promise<void> | void;

export interface EventBridgeOptions {
  readonly clock: Clock;
  readonly sqs: SqsService;
  readonly region: string;
  readonly accountId: string;
  readonly retryBaseDelayMs?: number;
  readonly fault?: DeliveryFault;
  /** Fault injection: answer this PutEvents entry with InternalFailure instead of taking it. */
  readonly putEventsFault?: () => boolean;
  readonly duplicateDelivery?: () => boolean;
  readonly deliveryDelay?: () => number;
  readonly log?: (message: string) => void;
}

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const MAX_TARGETS_PER_RULE = 5;

/**
 * Amazon EventBridge, in memory: buses, rules and their targets, PutEvents routing through the
 * pattern matcher, input paths and transformers, delivery with retry policies and dead-letter
 * queues, archives and replays. Takes and returns the shapes of the JSON 1.1 API.
 */
export class EventBridgeService {
  private readonly buses = new Map<string, Bus>();
  readonly deliveries: Deliveries;
  readonly archives: Archives;
  private readonly senders = new Map<string, TargetSender>();
  /** Counts: PutEvents entries accepted, matched deliveries, requests per operation. */
  readonly metrics = { entries: 0, failedEntries: 0, matched: 0, requests: new Map<string, number>() };

  constructor(private readonly options: EventBridgeOptions) {
    this.deliveries = new Deliveries({
      clock: options.clock,
      sqs: options.sqs,
      ...(options.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: options.retryBaseDelayMs }),
      ...(options.fault === undefined ? {} : { fault: options.fault }),
      ...(options.duplicateDelivery === undefined ? {} : { duplicate: options.duplicateDelivery }),
      ...(options.deliveryDelay === undefined ? {} : { delay: options.deliveryDelay }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    this.archives = new Archives(this, options.clock);
    this.createBus('default');
  }

  get region(): string {
    return this.options.region;
  }

  get accountId(): string {
    return this.options.accountId;
  }

  /** Lets another service receive deliveries for ARNs of its kind (`lambda`). */
  registerTargetSender(service: string, sender: TargetSender): void {
    this.senders.set(service, sender);
  }

  async handle(operation: string, input: Input): Promise<Output> {
    this.metrics.requests.set(operation, (this.metrics.requests.get(operation) ?? 0) + 1);
    const handler = this.operations[operation];
    if (handler === undefined) throw new AwsError('UnknownOperationException', `The action ${operation} is not valid for this endpoint.`);
    return handler(input);
  }

  private readonly operations: Record<string, (input: Input) => Output | Promise<Output>> = {
    CreateEventBus: (input) => {
      const name = requireString(input, 'Name');
      if (name === 'default' || this.buses.has(name)) throw EventsErrors.alreadyExists(`Event bus ${name} already exists.`);
      if (!BUS_NAME.test(name) || name.startsWith('aws.')) throw EventsErrors.validation(`Event bus name ${name} is not valid.`);
      const bus = this.createBus(name, optionalString(input, 'Description'));
      return { EventBusArn: bus.arn, ...(bus.description === undefined ? {} : { Description: bus.description }) };
    },
    DeleteEventBus: (input) => {
      const name = requireString(input, 'Name');
      if (name === 'default') throw EventsErrors.validation('Cannot delete event bus default.');
      this.buses.delete(busName(name));
      return {};
    },
    DescribeEventBus: (input) => {
      const bus = this.bus(input['Name'] ?? 'default');
      return { Name: bus.name, Arn: bus.arn, CreationTime: bus.createdAt / 1000, LastModifiedTime: bus.createdAt / 1000, ...(bus.description ? { Description: bus.description } : {}) };
    },
    ListEventBuses: (input) => {
      const prefix = optionalString(input, 'NamePrefix') ?? '';
      const buses = [...this.buses.values()].filter((b) => b.name.startsWith(prefix)).map((b) => ({ Name: b.name, Arn: b.arn, CreationTime: b.createdAt / 1000 }));
      return paginate(buses, input, 'EventBuses');
    },
    PutRule: (input) => ({ RuleArn: this.putRule(input).arn }),
    DescribeRule: (input) => {
      const rule = this.rule(input);
      return {
        Name: rule.name,
        Arn: rule.arn,
        ...(rule.pattern === undefined ? {} : { EventPattern: rule.pattern }),
        State: rule.state,
        ...(rule.description === undefined ? {} : { Description: rule.description }),
        EventBusName: rule.busName,
        CreatedBy: this.options.accountId,
      };
    },
    ListRules: (input) => {
      const bus = this.bus(input['EventBusName'] ?? 'default');
      const prefix = optionalString(input, 'NamePrefix') ?? '';
      const rules = [...bus.rules.values()]
        .filter((r) => r.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => ({ Name: r.name, Arn: r.arn, EventPattern: r.pattern, State: r.state, Description: r.description, EventBusName: r.busName }));
      return paginate(rules, input, 'Rules');
    },
    DeleteRule: (input) => {
      const bus = this.bus(input['EventBusName'] ?? 'default');
      const rule = bus.rules.get(requireString(input, 'Name'));
      if (rule === undefined) return {};
      if (rule.targets.size > 0 && input['Force'] !== true) throw EventsErrors.validation("Rule can't be deleted since it has targets.");
      bus.rules.delete(rule.name);
      return {};
    },
    EnableRule: (input) => ((this.rule(input).state = 'ENABLED'), {}),
    DisableRule: (input) => ((this.rule(input).state = 'DISABLED'), {}),
    PutTargets: (input) => this.putTargets(input),
    RemoveTargets: (input) => {
      const rule = this.rule({ Name: input['Rule'], EventBusName: input['EventBusName'] });
      const ids = (input['Ids'] as unknown[] | undefined) ?? [];
      const FailedEntries: Output[] = [];
      for (const id of ids) {
        if (!rule.targets.delete(String(id))) FailedEntries.push({ TargetId: id, ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Target ${String(id)} not found.` });
      }
      return { FailedEntryCount: FailedEntries.length, FailedEntries };
    },
    ListTargetsByRule: (input) => {
      const rule = this.rule({ Name: input['Rule'], EventBusName: input['EventBusName'] });
      return paginate([...rule.targets.values()].map((t) => t.spec), input, 'Targets');
    },
    ListRuleNamesByTarget: (input) => {
      const arn = requireString(input, 'TargetArn');
      const bus = this.bus(input['EventBusName'] ?? 'default');
      const names = [...bus.rules.values()].filter((r) => [...r.targets.values()].some((t) => t.spec.Arn === arn)).map((r) => r.name);
      return paginate(names, input, 'RuleNames');
    },
    PutEvents: (input) => this.putEvents(input),
    TestEventPattern: (input) => {
      const pattern = compileOrThrow(requireString(input, 'EventPattern'));
      return { Result: pattern.matches(parseTestEvent(input['Event'])) };
    },
    CreateArchive: (input) => this.archives.create(input),
    DescribeArchive: (input) => this.archives.describe(input),
    ListArchives: (input) => this.archives.list(input),
    UpdateArchive: (input) => this.archives.update(input),
    DeleteArchive: (input) => this.archives.delete(input),
    StartReplay: (input) => this.archives.startReplay(input),
    DescribeReplay: (input) => this.archives.describeReplay(input),
    ListReplays: (input) => this.archives.listReplays(input),
    CancelReplay: (input) => this.archives.cancelReplay(input),
    TagResource: () => ({}),
    UntagResource: () => ({}),
    ListTagsForResource: () => ({ Tags: [] }),
  };

  /** The bus a name or ARN names, or ResourceNotFoundException. */
  bus(nameOrArn: unknown): Bus {
    const bus = this.buses.get(busName(String(nameOrArn)));
    if (bus === undefined) throw EventsErrors.notFound(`Event bus ${busName(String(nameOrArn))} does not exist.`);
    return bus;
  }

  busByArn(arn: string): Bus | undefined {
    return this.buses.get(busName(arn));
  }

  allRules(): Rule[] {
    return [...this.buses.values()].flatMap((bus) => [...bus.rules.values()]);
  }

  /**
   * Routes an event on a bus: archives record it (unless it is a replay) and every enabled rule
   * whose pattern matches delivers it to each of its targets. `onlyRules` limits a replay.
   */
  route(bus: Bus, event: BusEvent, onlyRules?: ReadonlySet<string>): void {
    if (event['replay-name'] === undefined) this.archives.record(bus.arn, event);
    for (const rule of bus.rules.values()) {
      if (rule.state === 'DISABLED' || rule.compiled === undefined) continue;
      if (onlyRules !== undefined && !onlyRules.has(rule.arn)) continue;
      if (!rule.compiled.matches(event)) continue;
      this.metrics.matched++;
      for (const { delivery } of rule.targets.values()) this.deliveries.deliver(delivery, event);
    }
  }

  private createBus(name: string, description?: string): Bus {
    const bus: Bus = {
      name,
      arn: `arn:aws:events:${this.options.region}:${this.options.accountId}:event-bus/${name}`,
      createdAt: this.options.clock.now(),
      ...(description === undefined ? {} : { description }),
      rules: new Map(),
    };
    this.buses.set(name, bus);
    return bus;
  }

  private rule(input: Input): Rule {
    const bus = this.bus(input['EventBusName'] ?? 'default');
    const name = requireString(input, 'Name');
    const rule = bus.rules.get(name);
    if (rule === undefined) throw EventsErrors.notFound(`Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  }

  private putRule(input: Input): Rule {
    const name = requireString(input, 'Name');
    if (!RULE_NAME.test(name)) throw EventsErrors.validation(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`);
    const bus = this.bus(input['EventBusName'] ?? 'default');
    if (input['ScheduleExpression'] !== undefined) {
      throw EventsErrors.validation(`Rule ${name}: ScheduleExpression is not supported by the local cloud (scheduled rules would never fire here).`);
    }
    const pattern = optionalString(input, 'EventPattern');
    if (pattern === undefined) throw EventsErrors.validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    const compiled = compileOrThrow(pattern);
    const state = optionalString(input, 'State') ?? 'ENABLED';
    if (!['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'].includes(state)) {
      throw EventsErrors.validation(`1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]`);
    }
    const existing = bus.rules.get(name);
    const rule: Rule = existing ?? {
      name,
      arn: `arn:aws:events:${this.options.region}:${this.options.accountId}:rule/${bus.name === 'default' ? '' : `${bus.name}/`}${name}`,
      busName: bus.name,
      state,
      targets: new Map(),
    };
    rule.pattern = pattern;
    rule.compiled = compiled;
    rule.state = state;
    const description = optionalString(input, 'Description');
    if (description !== undefined) rule.description = description;
    bus.rules.set(name, rule);
    return rule;
  }

  private putTargets(input: Input): Output {
    const rule = this.rule({ Name: input['Rule'], EventBusName: input['EventBusName'] });
    const targets = input['Targets'];
    if (!Array.isArray(targets) || targets.length === 0 || targets.length > 10) {
      throw EventsErrors.validation('1 validation error detected: Value at \'targets\' failed to satisfy constraint: Member must have length between 1 and 10');
    }
    const FailedEntries: Output[] = [];
    for (const spec of targets as TargetSpec[]) {
      // Validation errors of the target's configuration fail the whole request, as AWS does.
      const delivery = this.compileTarget(rule, spec);
      if (!rule.targets.has(spec.Id) && rule.targets.size >= MAX_TARGETS_PER_RULE) {
        throw EventsErrors.limitExceeded(`The requested resource exceeds the maximum number allowed (${MAX_TARGETS_PER_RULE} targets per rule).`);
      }
      const service = arnService(spec.Arn);
      if (service !== 'sqs' && service !== 'events' && !this.senders.has(service)) {
        FailedEntries.push({ TargetId: spec.Id, ErrorCode: 'UnsupportedTarget', ErrorMessage: `The local cloud cannot deliver to ${service} targets (${spec.Arn}).` });
        continue;
      }
      rule.targets.set(spec.Id, { spec, delivery });
    }
    return { FailedEntryCount: FailedEntries.length, FailedEntries };
  }

  private compileTarget(rule: Rule, spec: TargetSpec): DeliveryTarget {
    if (spec === null || typeof spec !== 'object') throw EventsErrors.validation(`Each target must be an object, got ${JSON.stringify(spec)}.`);
    if (typeof spec.Id !== 'string' || !/^[.\-_A-Za-z0-9]{1,64}$/.test(spec.Id)) throw EventsErrors.validation(`Target Id ${String(spec.Id)} is not valid.`);
    if (typeof spec.Arn !== 'string' || !spec.Arn.startsWith('arn:')) throw EventsErrors.validation(`Target ${spec.Id}: Arn ${String(spec.Arn)} is not valid.`);
    const inputs = [spec.Input, spec.InputPath, spec.InputTransformer].filter((v) => v !== undefined).length;
    if (inputs > 1) throw EventsErrors.validation(`Target ${spec.Id}: only one of Input, InputPath and InputTransformer may be given.`);
    if (spec.Input !== undefined) {
      try {
        JSON.parse(spec.Input);
      } catch {
        throw EventsErrors.validation(`Target ${spec.Id}: Input is not valid JSON.`);
      }
    }
    const maxRetryAttempts = spec.RetryPolicy?.MaximumRetryAttempts ?? 185;
    const maxEventAgeSeconds = spec.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400;
    if (!Number.isInteger(maxRetryAttempts) || maxRetryAttempts < 0 || maxRetryAttempts > 185) {
      throw EventsErrors.validation(`Target ${spec.Id}: RetryPolicy.MaximumRetryAttempts must be between 0 and 185, got ${maxRetryAttempts}.`);
    }
    if (!Number.isInteger(maxEventAgeSeconds) || maxEventAgeSeconds < 60 || maxEventAgeSeconds > 86_400) {
      throw EventsErrors.validation(`Target ${spec.Id}: RetryPolicy.MaximumEventAgeInSeconds must be between 60 and 86400, got ${maxEventAgeSeconds}.`);
    }
    const fifoQueue = arnService(spec.Arn) === 'sqs' && spec.Arn.endsWith('.fifo');
    if (fifoQueue && !spec.SqsParameters?.MessageGroupId) throw EventsErrors.validation(`Parameter(s) SqsParameters must be specified for target: ${spec.Id}.`);

    const transform = spec.InputTransformer === undefined ? undefined : compileInputTransformer(spec.Id, spec.InputTransformer);
    const path = spec.InputPath === undefined ? undefined : compileInputPath(spec.Id, spec.InputPath);
    const context = { ruleArn: rule.arn, ruleName: rule.name };
    return {
      id: spec.Id,
      arn: spec.Arn,
      ruleArn: rule.arn,
      maxRetryAttempts,
      maxEventAgeSeconds,
      ...(spec.DeadLetterConfig?.Arn === undefined ? {} : { deadLetterArn: spec.DeadLetterConfig.Arn }),
      payload: (event) => {
        if (spec.Input !== undefined) return spec.Input;
        if (path !== undefined) return JSON.stringify(valueAt(event, path) ?? null);
        if (transform !== undefined) {
          try {
            return transform(event, { ...context, ingestionTime: event.time });
          } catch (error) {
            if (error instanceof TransformError) throw new DeliveryError('INVALID_JSON', error.message, false);
            throw error;
          }
        }
        return JSON.stringify(event);
      },
      send: (payload, event) => this.send(spec, payload, event),
    };
  }

  private send(spec: TargetSpec, payload: string, event: BusEvent): Promise<void> | void {
    const service = arnService(spec.Arn);
    if (service === 'sqs') {
      const queue = this.options.sqs.findByArn(spec.Arn);
      if (queue === undefined) throw new DeliveryError('NO_RESOURCE', `The queue ${spec.Arn} does not exist.`, false);
      try {
        queue.send({
          body: payload,
          ...(queue.fifo ? { groupId: spec.SqsParameters?.MessageGroupId ?? event.id, dedupId: event.id } : {}),
        });
      } catch (error) {
        throw new DeliveryError('SDK_CLIENT_ERROR', `SQS refused the message: ${(error as Error).message}`, false);
      }
      return;
    }
    if (service === 'events') {
      const bus = this.busByArn(spec.Arn);
      if (bus === undefined) throw new DeliveryError('NO_RESOURCE', `The event bus ${spec.Arn} does not exist.`, false);
      this.route(bus, event);
      return;
    }
    const sender = this.senders.get(service);
    if (sender === undefined) throw new DeliveryError('NO_RESOURCE', `No ${service} target can be reached here (${spec.Arn}).`, false);
    return sender(spec.Arn, payload, event);
  }

  private putEvents(input: Input): Output {
    const entries = validatePutEventsRequest(input['Entries']);
    const now = this.options.clock.now();
    const results: EntryResult[] = entries.map((entry) => {
      let bus: Bus;
      try {
        bus = this.bus(entry.EventBusName ?? 'default');
      } catch (error) {
        return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: (error as Error).message };
      }
      const event = buildEvent(entry, { account: this.options.accountId, region: this.options.region, now });
      if ('ErrorCode' in event) return event;
      if (this.options.putEventsFault?.()) return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure (injected by the local cloud).' };
      this.route(bus, event);
      return { EventId: event.id };
    });
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    this.metrics.entries += results.length - failed;
    this.metrics.failedEntries += failed;
    return { FailedEntryCount: failed, Entries: results };
  }
}

function compileOrThrow(pattern: string): CompiledPattern {
  try {
    return parsePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) throw EventsErrors.invalidPattern(error.message);
    throw error;
  }
}

/** A bus name from a name or an ARN (`arn:aws:events:...:event-bus/name`). */
export function busName(nameOrArn: string): string {
  const marker = nameOrArn.indexOf(':event-bus/');
  return nameOrArn.startsWith('arn:') && marker >= 0 ? nameOrArn.slice(marker + ':event-bus/'.length) : nameOrArn;
}

function requireString(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw EventsErrors.validation(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw EventsErrors.validation(`Parameter ${name} must be a string.`);
  return value;
}
