import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { arnService } from '../arn';
import type { Clock, Timer } from '../clock';
import { AwsError } from '../aws-error';
import { httpTraceHeader } from '../lambda/trace-header';
import type { SqsService } from '../sqs/sqs-service';
import { Archives } from './archives';
import { putPermission, removePermission, type BusPolicy } from './bus-policy';
import { Connections } from './connections';
import { BUS_NAME_PATTERN, ConstraintCheck, NAME_PATTERN } from './constraints';
import { Deliveries, DeliveryError, type DeliveryAttempt, type DeliveryFault, type DeliveryTarget } from './delivery';
import { EventsErrors } from './errors';
import { compileInputPath, compileInputTransformer, TransformError, type InputTransformer } from './input-transformer';
import { valueAt } from './json-path';
import { InvalidEventPatternError, parsePattern, type CompiledPattern } from './pattern';
import { buildEvent, validatePutEventsRequest, type BusEvent, type EntryResult } from './put-events';
import { paginate } from './paginate';
import { nextFire, parseSchedule, type Schedule } from './schedule';
import { TagStore } from './tags';
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
  roleArn?: string;
  schedule?: { readonly expression: string; readonly parsed: Schedule; timer?: Timer };
  readonly targets: Map<string, { spec: TargetSpec; delivery: DeliveryTarget }>;
}

interface Bus {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  modifiedAt: number;
  description?: string;
  policy?: BusPolicy;
  kmsKeyIdentifier?: string;
  deadLetterConfig?: { Arn?: string };
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
  /** Told what happens to each event (the flight recorder); off unless given. */
  readonly observer?: EventObserver;
}

/** What an observer of the bus is told; calls must be cheap and must not throw. */
export interface EventObserver {
  /** An event PutEvents accepted onto a bus (`callerTraceHeader`: the request's `X-Amzn-Trace-Id`). */
  accepted(event: BusEvent, bus: string, callerTraceHeader: string | undefined, rulesOnBus: number): void;
  /** A rule that matched, or one for the event's source and detail-type that did not (`field`: the first field that failed). */
  rule(event: BusEvent, bus: string, rule: string, matched: boolean, field?: string): void;
  /** A delivery attempt to a rule's target. */
  delivery(target: DeliveryTarget, event: BusEvent, attempt: DeliveryAttempt): void;
}

const MAX_TARGETS_PER_RULE = 5;
const RULE_STATES = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] as const;

/**
 * Amazon EventBridge, in memory: buses, rules and their targets, PutEvents routing through the
 * pattern matcher, input paths and transformers, delivery with retry policies and dead-letter
 * queues, archives and replays. Takes and returns the shapes of the JSON 1.1 API.
 */
export class EventBridgeService {
  private readonly buses = new Map<string, Bus>();
  readonly deliveries: Deliveries;
  readonly archives: Archives;
  private readonly tags = new TagStore();
  private readonly connections: Connections;
  private readonly senders = new Map<string, TargetSender>();
  /**
   * The X-Ray trace header a PutEvents entry carried (`TraceHeader`), kept beside its event (it is
   * not part of the event's JSON) and handed on to SQS targets as `AWSTraceHeader` and to other
   * buses with the event, as EventBridge propagates trace context.
   */
  private readonly traceHeaders = new WeakMap<BusEvent, string>();
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
      traceHeader: (event) => this.traceHeaders.get(event),
      ...(options.observer === undefined ? {} : { observe: (target: DeliveryTarget, event: BusEvent, attempt: DeliveryAttempt) => options.observer?.delivery(target, event, attempt) }),
    });
    this.archives = new Archives(this, options.clock);
    this.connections = new Connections(options.clock, { region: options.region, accountId: options.accountId });
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

  /** `headers`: the request's (lower-case); PutEvents reads `x-amzn-trace-id` to tell the observer who called. */
  async handle(operation: string, input: Input, headers?: Readonly<IncomingHttpHeaders>): Promise<Output> {
    this.metrics.requests.set(operation, (this.metrics.requests.get(operation) ?? 0) + 1);
    const handler = this.operations[operation];
    if (handler === undefined) throw new AwsError('UnknownOperationException', `The action ${operation} is not valid for this endpoint.`);
    return handler(input, headers ?? {});
  }

  private readonly operations: Record<string, (input: Input, headers: Readonly<IncomingHttpHeaders>) => Output | Promise<Output>> = {
    CreateEventBus: (input) => {
      const check = new ConstraintCheck();
      if (check.required(input['Name'], 'name')) check.text(input['Name'], 'name', { pattern: BUS_NAME_PATTERN, min: 1, max: 256 });
      check.text(input['Description'], 'description', { max: 512 });
      check.throwIfFailed();
      const name = requireString(input, 'Name');
      if (this.buses.has(name)) throw EventsErrors.alreadyExists(`Event bus ${name} already exists.`);
      if (name.includes('/') || name.startsWith('aws.')) throw EventsErrors.validation(`Event bus name ${name} is not valid.`);
      const bus = this.createBus(name, optionalString(input, 'Description'));
      this.configureBus(bus, input);
      if (input['Tags'] !== undefined) this.tags.tag(bus.arn, input['Tags']);
      return {
        EventBusArn: bus.arn,
        ...(bus.description === undefined ? {} : { Description: bus.description }),
        ...(bus.kmsKeyIdentifier === undefined ? {} : { KmsKeyIdentifier: bus.kmsKeyIdentifier }),
        ...(bus.deadLetterConfig === undefined ? {} : { DeadLetterConfig: bus.deadLetterConfig }),
      };
    },
    UpdateEventBus: (input) => {
      const check = new ConstraintCheck();
      check.text(input['Name'], 'name', { pattern: BUS_NAME_PATTERN, min: 1, max: 256 });
      check.text(input['Description'], 'description', { max: 512 });
      check.throwIfFailed();
      const bus = this.bus(input['Name'] ?? 'default');
      const description = optionalString(input, 'Description');
      if (description !== undefined) bus.description = description;
      this.configureBus(bus, input);
      bus.modifiedAt = this.options.clock.now();
      const { CreationTime: _created, LastModifiedTime: _modified, Policy: _policy, ...shown } = describeBus(bus);
      return shown;
    },
    DeleteEventBus: (input) => {
      const name = busName(requireString(input, 'Name'));
      if (name === 'default') throw EventsErrors.validation('Cannot delete event bus default.');
      const bus = this.buses.get(name);
      if (bus === undefined) return {};
      for (const rule of bus.rules.values()) this.tags.drop(rule.arn);
      this.tags.drop(bus.arn);
      this.buses.delete(name);
      return {};
    },
    DescribeEventBus: (input) => describeBus(this.bus(input['Name'] ?? 'default')),
    ListEventBuses: (input) => {
      const prefix = optionalString(input, 'NamePrefix') ?? '';
      const buses = [...this.buses.values()]
        .filter((b) => b.name.startsWith(prefix))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        // A listed bus (the API's EventBus type) has no KMS key or dead-letter settings.
        .map((bus) => {
          const { KmsKeyIdentifier: _key, DeadLetterConfig: _deadLetter, ...listed } = describeBus(bus);
          return listed;
        });
      return paginate(buses, input, 'EventBuses');
    },
    PutPermission: (input) => {
      const bus = this.bus(input['EventBusName'] ?? 'default');
      bus.policy = putPermission(bus.policy, bus.arn, input);
      bus.modifiedAt = this.options.clock.now();
      return {};
    },
    RemovePermission: (input) => {
      const bus = this.bus(input['EventBusName'] ?? 'default');
      const policy = removePermission(bus.policy, input);
      if (policy === undefined) delete bus.policy;
      else bus.policy = policy;
      bus.modifiedAt = this.options.clock.now();
      return {};
    },
    PutRule: (input) => ({ RuleArn: this.putRule(input).arn }),
    DescribeRule: (input) => ({ ...describeRule(this.rule(input)), CreatedBy: this.options.accountId }),
    ListRules: (input) => {
      const bus = this.bus(input['EventBusName'] ?? 'default');
      const prefix = optionalString(input, 'NamePrefix') ?? '';
      const rules = [...bus.rules.values()]
        .filter((r) => r.name.startsWith(prefix))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map(describeRule);
      return paginate(rules, input, 'Rules');
    },
    DeleteRule: (input) => {
      const bus = this.bus(input['EventBusName'] ?? 'default');
      const rule = bus.rules.get(requireString(input, 'Name'));
      if (rule === undefined) return {};
      // Force concerns only rules managed by an AWS service; it never deletes a rule with targets (API reference, DeleteRule).
      if (rule.targets.size > 0) throw EventsErrors.validation("Rule can't be deleted since it has targets.");
      bus.rules.delete(rule.name);
      rule.schedule?.timer?.cancel();
      this.tags.drop(rule.arn);
      return {};
    },
    EnableRule: (input) => ((this.rule(input).state = 'ENABLED'), {}),
    DisableRule: (input) => ((this.rule(input).state = 'DISABLED'), {}),
    PutTargets: (input) => this.putTargets(input),
    RemoveTargets: (input) => {
      const check = new ConstraintCheck();
      if (check.required(input['Rule'], 'rule')) check.text(input['Rule'], 'rule', { pattern: NAME_PATTERN, min: 1, max: 64 });
      const ids = input['Ids'];
      if (check.required(ids, 'ids') && Array.isArray(ids)) {
        if (ids.length === 0 || ids.length > 100) check.fail(`[${ids.join(', ')}]`, 'ids', `Member must have length ${ids.length === 0 ? 'greater than or equal to 1' : 'less than or equal to 100'}`);
        for (const [index, id] of ids.entries()) check.text(id, `ids.${index + 1}.member`, { pattern: NAME_PATTERN, min: 1, max: 64 });
      }
      check.throwIfFailed();
      const rule = this.rule({ Name: input['Rule'], EventBusName: input['EventBusName'] });
      // An id the rule does not have is no failure: removal is idempotent, and the API reference names
      // only ConcurrentModificationException as a reason for a failed entry.
      for (const id of ids as unknown[]) rule.targets.delete(String(id));
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    ListTargetsByRule: (input) => {
      const rule = this.rule({ Name: input['Rule'], EventBusName: input['EventBusName'] });
      return paginate([...rule.targets.values()].map((t) => t.spec), input, 'Targets');
    },
    ListRuleNamesByTarget: (input) => {
      const arn = requireString(input, 'TargetArn');
      const bus = this.bus(input['EventBusName'] ?? 'default');
      const names = [...bus.rules.values()]
        .filter((r) => [...r.targets.values()].some((t) => t.spec.Arn === arn))
        .map((r) => r.name)
        .sort();
      return paginate(names, input, 'RuleNames');
    },
    PutEvents: (input, headers) => this.putEvents(input, httpTraceHeader(headers)),
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
    CreateConnection: (input) => this.connections.createConnection(input),
    DescribeConnection: (input) => this.connections.describeConnection(input),
    ListConnections: (input) => this.connections.listConnections(input),
    UpdateConnection: (input) => this.connections.updateConnection(input),
    DeleteConnection: (input) => this.connections.deleteConnection(input),
    DeauthorizeConnection: (input) => this.connections.deauthorizeConnection(input),
    CreateApiDestination: (input) => this.connections.createApiDestination(input),
    DescribeApiDestination: (input) => this.connections.describeApiDestination(input),
    ListApiDestinations: (input) => this.connections.listApiDestinations(input),
    UpdateApiDestination: (input) => this.connections.updateApiDestination(input),
    DeleteApiDestination: (input) => this.connections.deleteApiDestination(input),
    TagResource: (input) => (this.tags.tag(this.taggable(input['ResourceARN']), input['Tags']), {}),
    UntagResource: (input) => (this.tags.untag(this.taggable(input['ResourceARN']), input['TagKeys']), {}),
    ListTagsForResource: (input) => ({ Tags: this.tags.list(this.taggable(input['ResourceARN'])) }),
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
    const observer = this.options.observer;
    for (const rule of bus.rules.values()) {
      if (rule.state === 'DISABLED' || rule.compiled === undefined) continue;
      if (onlyRules !== undefined && !onlyRules.has(rule.arn)) continue;
      if (!rule.compiled.matches(event)) {
        // A rule for this kind of event (its source, and its detail-type if it names one) that did not
        // match is the usual "where did my event stop": say which field failed.
        if (observer !== undefined && rule.compiled.fieldAccepts('source', event) === true && rule.compiled.fieldAccepts('detail-type', event) !== false) {
          observer.rule(event, bus.name, rule.name, false, rule.compiled.explain(event));
        }
        continue;
      }
      observer?.rule(event, bus.name, rule.name, true);
      this.metrics.matched++;
      for (const { delivery } of rule.targets.values()) this.deliveries.deliver(delivery, event);
    }
  }

  /** The settings CreateEventBus and UpdateEventBus share: the KMS key and the dead-letter queue. */
  private configureBus(bus: Bus, input: Input): void {
    const key = optionalString(input, 'KmsKeyIdentifier');
    if (key !== undefined) bus.kmsKeyIdentifier = key;
    const deadLetter = input['DeadLetterConfig'];
    if (deadLetter !== undefined && deadLetter !== null && typeof deadLetter === 'object') bus.deadLetterConfig = deadLetter as { Arn?: string };
  }

  private createBus(name: string, description?: string): Bus {
    const bus: Bus = {
      name,
      arn: `arn:aws:events:${this.options.region}:${this.options.accountId}:event-bus/${name}`,
      createdAt: this.options.clock.now(),
      modifiedAt: this.options.clock.now(),
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

  /**
   * The ARN of a bus or rule that exists, for the tagging operations, or the error AWS answers:
   * `Event bus X does not exist.`, `Rule X does not exist on EventBus B.` (recorded on AWS:
   * test_events_tags.py::tests_tag_list_untag_not_existing_resource).
   */
  private taggable(arn: unknown): string {
    const check = new ConstraintCheck();
    if (check.required(arn, 'resourceARN')) check.text(arn, 'resourceARN', { min: 1, max: 1600 });
    check.throwIfFailed();
    const resource = String(arn).split(':').slice(5).join(':');
    const [kind, ...path] = resource.split('/');
    if (kind === 'event-bus' && path.length > 0) return this.bus(path.join('/')).arn;
    if (kind === 'rule' && path.length === 1) return this.rule({ Name: path[0] }).arn;
    if (kind === 'rule' && path.length === 2) return this.rule({ EventBusName: path[0], Name: path[1] }).arn;
    throw EventsErrors.validation(`Parameter ResourceARN is not valid. Reason: ${String(arn)} is not an event bus or rule ARN.`);
  }

  private putRule(input: Input): Rule {
    const check = new ConstraintCheck();
    if (check.required(input['Name'], 'name')) check.text(input['Name'], 'name', { pattern: NAME_PATTERN, min: 1, max: 64 });
    check.text(input['EventPattern'], 'eventPattern', { max: 4096 });
    check.text(input['ScheduleExpression'], 'scheduleExpression', { max: 256 });
    check.oneOf(input['State'], 'state', RULE_STATES);
    check.text(input['Description'], 'description', { max: 512 });
    check.text(input['RoleArn'], 'roleArn', { min: 1, max: 1600 });
    check.throwIfFailed();
    const name = requireString(input, 'Name');
    const bus = this.bus(input['EventBusName'] ?? 'default');
    const pattern = optionalString(input, 'EventPattern');
    const expression = optionalString(input, 'ScheduleExpression');
    if (pattern === undefined && expression === undefined) throw EventsErrors.validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    // Recorded on AWS: test_events_schedule.py (tests_put_rule_with_schedule_custom_event_bus, the invalid rate and cron expressions).
    if (expression !== undefined && bus.name !== 'default') throw EventsErrors.validation('ScheduleExpression is supported only on the default event bus.');
    const schedule = expression === undefined ? undefined : parseSchedule(expression);
    const compiled = pattern === undefined ? undefined : compileOrThrow(pattern);
    const state = optionalString(input, 'State') ?? 'ENABLED';
    const existing = bus.rules.get(name);
    const rule: Rule = existing ?? {
      name,
      arn: `arn:aws:events:${this.options.region}:${this.options.accountId}:rule/${bus.name === 'default' ? '' : `${bus.name}/`}${name}`,
      busName: bus.name,
      state,
      targets: new Map(),
    };
    if (pattern === undefined) {
      delete rule.pattern;
      delete rule.compiled;
    } else {
      rule.pattern = pattern;
      rule.compiled = compiled;
    }
    rule.state = state;
    rule.schedule?.timer?.cancel();
    if (expression === undefined || schedule === undefined) delete rule.schedule;
    else {
      rule.schedule = { expression, parsed: schedule };
      this.armSchedule(bus, rule);
    }
    // PutRule replaces the rule: what a request leaves out is cleared, not kept (API reference, PutRule).
    const description = optionalString(input, 'Description');
    if (description === undefined) delete rule.description;
    else rule.description = description;
    const roleArn = optionalString(input, 'RoleArn');
    if (roleArn === undefined) delete rule.roleArn;
    else rule.roleArn = roleArn;
    // Tags are set when the rule is created; PutRule on an existing rule leaves its tags alone.
    if (existing === undefined && input['Tags'] !== undefined) this.tags.tag(rule.arn, input['Tags']);
    bus.rules.set(name, rule);
    return rule;
  }

  /**
   * PutTargets: ids are checked against the API model first (`targets.N.member.id`, recorded on AWS:
   * test_put_target_id_validation); a rule holds at most 5 targets, and a request that would take it
   * past that fails whole with LimitExceededException (recorded: test_add_exceed_fife_targets_per_rule).
   * A target whose id the rule already has is replaced.
   */
  /** Sets the timer of a scheduled rule's next firing on the cloud's clock. */
  private armSchedule(bus: Bus, rule: Rule, after = this.options.clock.now()): void {
    const schedule = rule.schedule;
    if (schedule === undefined) return;
    const at = nextFire(schedule.parsed, after);
    if (at === undefined) return;
    schedule.timer = this.options.clock.at(at, () => {
      if (bus.rules.get(rule.name) !== rule || rule.schedule !== schedule) return;
      if (rule.state !== 'DISABLED') this.fireSchedule(rule, at);
      this.armSchedule(bus, rule, at);
    });
  }

  /**
   * A scheduled rule's event, sent to the rule's targets only (recorded on AWS:
   * test_events_schedule.py::test_schedule_cron_target_sqs): source `aws.events`, detail-type
   * `Scheduled Event`, the rule's ARN as the resource, an empty detail.
   */
  private fireSchedule(rule: Rule, at: number): void {
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.options.accountId,
      time: new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      region: this.options.region,
      resources: [rule.arn],
      detail: {},
    };
    this.metrics.matched++;
    for (const { delivery } of rule.targets.values()) this.deliveries.deliver(delivery, event);
  }

  private putTargets(input: Input): Output {
    const check = new ConstraintCheck();
    if (check.required(input['Rule'], 'rule')) check.text(input['Rule'], 'rule', { pattern: NAME_PATTERN, min: 1, max: 64 });
    const targets = input['Targets'];
    if (check.required(targets, 'targets') && Array.isArray(targets)) {
      if (targets.length === 0) check.fail('[]', 'targets', 'Member must have length greater than or equal to 1');
      for (const [index, target] of (targets as Array<Partial<TargetSpec> | null>).entries()) {
        const at = `targets.${index + 1}.member`;
        if (check.required(target?.Id, `${at}.id`)) check.text(target?.Id, `${at}.id`, { pattern: NAME_PATTERN, min: 1, max: 64 });
        if (check.required(target?.Arn, `${at}.arn`)) check.text(target?.Arn, `${at}.arn`, { min: 1, max: 1600 });
        check.text(target?.RoleArn, `${at}.roleArn`, { min: 1, max: 1600 });
        check.text(target?.Input, `${at}.input`, { max: 8192 });
        check.text(target?.InputPath, `${at}.inputPath`, { max: 256 });
        check.range(target?.RetryPolicy?.MaximumRetryAttempts, `${at}.retryPolicy.maximumRetryAttempts`, 0, 185);
        check.range(target?.RetryPolicy?.MaximumEventAgeInSeconds, `${at}.retryPolicy.maximumEventAgeInSeconds`, 60, 86_400);
      }
    }
    check.throwIfFailed();
    if (!Array.isArray(targets) || targets.length > 10) {
      throw EventsErrors.validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 10");
    }
    const rule = this.rule({ Name: input['Rule'], EventBusName: input['EventBusName'] });
    const added = new Set((targets as TargetSpec[]).map((t) => t.Id).filter((id) => !rule.targets.has(id)));
    if (rule.targets.size + added.size > MAX_TARGETS_PER_RULE) throw EventsErrors.limitExceeded('The requested resource exceeds the maximum number allowed.');
    // Validation errors of a target's configuration fail the whole request, as AWS does.
    const compiled = (targets as TargetSpec[]).map((spec) => ({ spec, delivery: this.compileTarget(rule, spec) }));
    const FailedEntries: Output[] = [];
    for (const { spec, delivery } of compiled) {
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
    if (!spec.Arn.startsWith('arn:')) throw EventsErrors.validation(`Target ${spec.Id}: Arn ${String(spec.Arn)} is not valid.`);
    const inputs = [spec.Input, spec.InputPath, spec.InputTransformer].filter((v) => v !== undefined).length;
    if (inputs > 1) throw EventsErrors.validation(`Only one of Input, InputPath, or InputTransformer must be provided for target ${spec.Id}.`);
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

  /** Answers the SQS message id for a queue target (the flight recorder follows the message). */
  private send(spec: TargetSpec, payload: string, event: BusEvent): Promise<string | void> | string | void {
    const service = arnService(spec.Arn);
    if (service === 'sqs') {
      const queue = this.options.sqs.findByArn(spec.Arn);
      if (queue === undefined) throw new DeliveryError('NO_RESOURCE', `The queue ${spec.Arn} does not exist.`, false);
      try {
        const traceHeader = this.traceHeaders.get(event);
        return queue.send({
          body: payload,
          ...(traceHeader === undefined ? {} : { traceHeader }),
          ...(queue.fifo ? { groupId: spec.SqsParameters?.MessageGroupId ?? event.id, dedupId: event.id } : {}),
        }).message.id;
      } catch (error) {
        throw new DeliveryError('SDK_CLIENT_ERROR', `SQS refused the message: ${(error as Error).message}`, false);
      }
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

  private putEvents(input: Input, callerTraceHeader?: string): Output {
    const entries = validatePutEventsRequest(input['Entries']);
    const now = this.options.clock.now();
    const results: EntryResult[] = entries.map((entry) => {
      const event = buildEvent(entry, { account: this.options.accountId, region: this.options.region, now });
      if ('ErrorCode' in event) return event;
      if (this.options.putEventsFault?.()) return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure (injected by the local cloud).' };
      if (typeof entry.TraceHeader === 'string' && entry.TraceHeader !== '') this.traceHeaders.set(event, entry.TraceHeader);
      // An entry for a bus that does not exist is accepted, and reaches nothing (recorded on AWS:
      // test_events.py::TestEventBus::test_put_events_nonexistent_event_bus).
      const bus = this.buses.get(busName(typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : 'default'));
      if (bus !== undefined) {
        this.options.observer?.accepted(event, bus.name, callerTraceHeader, bus.rules.size);
        this.route(bus, event);
      }
      return { EventId: event.id };
    });
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    this.metrics.entries += results.length - failed;
    this.metrics.failedEntries += failed;
    return { FailedEntryCount: failed, Entries: results };
  }
}

/** A rule as DescribeRule and ListRules show it: members it has no value for are left out. */
function describeRule(rule: Rule): Output {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.pattern === undefined ? {} : { EventPattern: rule.pattern }),
    ...(rule.schedule === undefined ? {} : { ScheduleExpression: rule.schedule.expression }),
    State: rule.state,
    ...(rule.description === undefined ? {} : { Description: rule.description }),
    ...(rule.roleArn === undefined ? {} : { RoleArn: rule.roleArn }),
    EventBusName: rule.busName,
  };
}

/** A bus as DescribeEventBus and ListEventBuses show it: members AWS has no value for are left out. */
function describeBus(bus: Bus): Output {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description === undefined ? {} : { Description: bus.description }),
    ...(bus.kmsKeyIdentifier === undefined ? {} : { KmsKeyIdentifier: bus.kmsKeyIdentifier }),
    ...(bus.deadLetterConfig === undefined ? {} : { DeadLetterConfig: bus.deadLetterConfig }),
    ...(bus.policy === undefined ? {} : { Policy: JSON.stringify(bus.policy) }),
    CreationTime: bus.createdAt / 1000,
    LastModifiedTime: bus.modifiedAt / 1000,
  };
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
