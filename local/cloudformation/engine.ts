import { randomUUID } from 'node:crypto';
import { AwsError } from '../aws-error';
import { UnresolvableError } from '../assembly/intrinsics';
import { physicalName } from '../assembly/physical-names';
import { creationOrder } from '../assembly/template-graph';
import { acceptedProvider, ACCEPTED_TYPES } from './accepted';
import { checkRules, resolveParameters, type ResolvedParameter } from './parameters';
import { changedProperties, NEEDS_REPLACEMENT, sameValue, type AssetResolver, type Properties, type ProviderContext, type ProviderServices, type ResourceProvider } from './provider';
import { PROVIDERS } from './providers';
import { requiresRecreation } from './resource-spec';
import { validateTemplate, type ResourceValidationFailure } from './spec-validation';
import type { ResourceChange, ResourceStatus, StackEngine, StackEvent, StackInput, StackOutput, StackRecord, StackResourceRecord, StackStatus } from './stack-engine';
import { StackSession, type TypeSupport } from './stack-session';
import { parseTemplate, validationError, type EngineResource, type EngineTemplate } from './template';

/**
 * What `createStackEngine` needs: the services providers act on (see `ProviderServices`), and
 * optionally other providers or replacement rules (tests, the resource specification).
 */
export interface StackEngineOptions extends ProviderServices {
  /** @default PROVIDERS (providers.ts) */
  readonly providers?: readonly ResourceProvider[];
  /** Types recorded without behaviour. @default ACCEPTED_TYPES (accepted.ts) */
  readonly acceptedTypes?: readonly string[];
  /**
   * Whether changing `property` of a `type` resource needs a new physical resource, when the
   * resource specification knows (`true`/`false`); `undefined` falls back to the provider's `replaceOn`.
   */
  readonly causesReplacement?: (type: string, property: string) => boolean | undefined;
  /**
   * Check resource properties against the resource specification before creating anything
   * (`apply` and `plan`; the fast `deploy` path never loads the specification). @default true
   */
  readonly validate?: boolean;
}

export type { TypeSupport };

/** How the fast boot path deploys. */
export interface DeployOptions {
  /** The template already parsed (skips parsing `templateBody`). */
  readonly template?: EngineTemplate;
  /** Where this operation's function code comes from (a cloud assembly's folders) instead of the engine's resolver. */
  readonly assets?: AssetResolver;
  /**
   * An SSM-typed parameter missing from the parameter store stands for its name (the CDK's
   * `BootstrapVersion`, when the app is deployed without `cdk bootstrap`). @default false
   */
  readonly withoutBootstrap?: boolean;
}

/** The engine, plus what the local cloud's own boot path needs. */
export interface LocalStackEngine extends StackEngine {
  /**
   * Applies a template and waits for the outcome (the fast boot path): resolves with the stack
   * once complete, rejects with the failing resource's own error once rolled back.
   * `template` skips parsing when the caller holds the template already; `assets` says where this
   * operation's function code comes from (a cloud assembly's folders) instead of the engine's resolver.
   */
  deploy(input: StackInput, options?: DeployOptions): Promise<StackRecord>;
  /** How a type is run. */
  support(type: string): TypeSupport;
  /** Stack operations under way (settling waits for none). */
  readonly inProgress: number;
}

/**
 * Creates the CloudFormation stack engine over the local cloud's services:
 *
 * ```ts
 * const engine = createStackEngine({ clock, region, accountId, endpoint: () => endpoint, sqs, eventBridge, lambda,
 *   mappings, dynamodb, assets, ssm, changed });
 * await engine.apply({ stackName, templateBody, parameters: {} }); // returns at once, IN_PROGRESS
 * await engine.idle();
 * ```
 */
export function createStackEngine(options: StackEngineOptions): LocalStackEngine {
  return new Engine(options);
}

interface LiveResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly properties: Properties;
  readonly support: TypeSupport;
  readonly definition: EngineResource;
  status: ResourceStatus;
  reason?: string;
  lastUpdated: number;
}

interface Stack {
  readonly stackId: string;
  readonly stackName: string;
  status: StackStatus;
  statusReason?: string;
  templateBody: string;
  template: EngineTemplate;
  parameters: ResolvedParameter[];
  outputs: StackOutput[];
  tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  capabilities: readonly string[];
  readonly createdAt: number;
  updatedAt?: number;
  deletedAt?: number;
  /** Live resources in the order they were created (deleted in reverse). */
  resources: Map<string, LiveResource>;
  /** Resources no longer live, kept for DescribeStackResources of a deleted stack. */
  gone: LiveResource[];
  readonly events: StackEvent[];
  /** Export names this stack's template imports. */
  imports: Set<string>;
  /** Why the last operation failed (the fast path rethrows it). */
  failure?: unknown;
  /** Where the current operation's function code comes from, when not the engine's resolver. */
  assets?: AssetResolver;
}

/** A resource failed: the stack operation stops and rolls back. */
class ResourceFailure extends Error {
  constructor(
    readonly logicalId: string,
    readonly reason: string,
    override readonly cause: unknown,
    readonly verb: 'create' | 'update' | 'delete',
  ) {
    super(reason);
  }
}

const REPLACEMENT_REASON = 'Requested update requires the creation of a new physical resource; hence creating one.';
const IN_PROGRESS = /_IN_PROGRESS$/;

class Engine implements LocalStackEngine {
  private readonly stacks: Stack[] = [];
  private readonly providers = new Map<string, ResourceProvider>();
  private readonly accepted: Set<string>;
  private readonly running = new Set<Promise<void>>();
  private lastEventAt = 0;

  constructor(private readonly options: StackEngineOptions) {
    for (const provider of options.providers ?? PROVIDERS) this.providers.set(provider.type, provider);
    this.accepted = new Set(options.acceptedTypes ?? ACCEPTED_TYPES);
  }

  get inProgress(): number {
    return this.running.size;
  }

  support(type: string): TypeSupport {
    return this.providers.has(type) ? 'provided' : this.accepted.has(type) ? 'accepted' : 'unsupported';
  }

  // ---- reading ----

  get(stackNameOrId: string): StackRecord | undefined {
    const stack = this.find(stackNameOrId);
    return stack === undefined ? undefined : this.record(stack);
  }

  list(): readonly StackRecord[] {
    return this.stacks.map((stack) => this.record(stack));
  }

  exports(): ReadonlyArray<{ readonly name: string; readonly value: string; readonly exportingStackId: string }> {
    return this.liveStacks().flatMap((stack) => stack.outputs.filter((o) => o.exportName !== undefined).map((o) => ({ name: o.exportName!, value: o.outputValue, exportingStackId: stack.stackId })));
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private find(stackNameOrId: string): Stack | undefined {
    if (stackNameOrId.startsWith('arn:')) return this.stacks.find((s) => s.stackId === stackNameOrId);
    return this.stacks.find((s) => s.stackName === stackNameOrId && s.deletedAt === undefined);
  }

  private liveStacks(): Stack[] {
    return this.stacks.filter((s) => s.deletedAt === undefined);
  }

  private record(stack: Stack): StackRecord {
    const resources: StackResourceRecord[] = [...(stack.deletedAt === undefined ? [] : stack.gone), ...stack.resources.values()].map((r) => ({
      logicalResourceId: r.logicalId,
      physicalResourceId: r.physicalId,
      resourceType: r.type,
      resourceStatus: r.status,
      ...(r.reason === undefined ? {} : { resourceStatusReason: r.reason }),
      lastUpdated: r.lastUpdated,
    }));
    return {
      stackId: stack.stackId,
      stackName: stack.stackName,
      status: stack.status,
      ...(stack.statusReason === undefined ? {} : { statusReason: stack.statusReason }),
      ...(stack.template.Description === undefined ? {} : { description: stack.template.Description }),
      templateBody: stack.templateBody,
      parameters: stack.parameters.map((p) => ({ key: p.key, value: p.value, ...(p.resolvedValue === undefined ? {} : { resolvedValue: p.resolvedValue }) })),
      outputs: [...stack.outputs],
      tags: [...stack.tags],
      capabilities: [...stack.capabilities],
      createdAt: stack.createdAt,
      ...(stack.updatedAt === undefined ? {} : { updatedAt: stack.updatedAt }),
      ...(stack.deletedAt === undefined ? {} : { deletedAt: stack.deletedAt }),
      resources,
      events: [...stack.events],
    };
  }

  // ---- planning ----

  async plan(input: StackInput): Promise<readonly ResourceChange[]> {
    const { template, parameters } = this.prepare(input);
    const existing = this.find(input.stackName);
    const conditions = this.conditionEvaluator(input.stackName, template, parameters);
    this.validateProperties(template, conditions);
    const wanted = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Condition === undefined || conditions(r.Condition));
    const live = existing === undefined || existing.status === 'ROLLBACK_COMPLETE' ? new Map<string, LiveResource>() : existing.resources;
    const changes: ResourceChange[] = [];
    for (const [id, resource] of wanted) {
      const old = live.get(id);
      if (old === undefined) {
        changes.push({ action: 'Add', logicalResourceId: id, resourceType: resource.Type, scope: [] });
        continue;
      }
      if (old.type !== resource.Type) {
        changes.push({ action: 'Modify', logicalResourceId: id, physicalResourceId: old.physicalId, resourceType: resource.Type, replacement: 'True', scope: ['Properties'] });
        continue;
      }
      const scope = [
        ...(sameValue(old.definition.Properties ?? {}, resource.Properties ?? {}) ? [] : ['Properties']),
        ...(sameValue(old.definition.Metadata, resource.Metadata) ? [] : ['Metadata']),
      ];
      if (scope.length === 0) continue;
      const changed = changedProperties(old.definition.Properties ?? {}, resource.Properties ?? {});
      const replaces = changed.some((p) => this.recreation(resource.Type, p) === 'Always');
      const conditional = !replaces && changed.some((p) => this.recreation(resource.Type, p) === 'Conditionally');
      changes.push({ action: 'Modify', logicalResourceId: id, physicalResourceId: old.physicalId, resourceType: resource.Type, replacement: replaces ? 'True' : conditional ? 'Conditional' : 'False', scope });
    }
    const kept = new Set(wanted.map(([id]) => id));
    for (const old of live.values()) {
      if (!kept.has(old.logicalId)) changes.push({ action: 'Remove', logicalResourceId: old.logicalId, physicalResourceId: old.physicalId, resourceType: old.type, scope: [] });
    }
    return changes;
  }

  /** Whether changing a property replaces the resource: the specification's word, else the provider's list. */
  private replaces(type: string, property: string): boolean {
    return this.recreation(type, property) === 'Always';
  }

  /**
   * The injected rule, else the resource specification (loaded on the first update or plan, never on
   * the fast boot path), else the provider's `replaceOn` for types the specification does not know.
   */
  private recreation(type: string, property: string): 'Never' | 'Conditionally' | 'Always' {
    const injected = this.options.causesReplacement?.(type, property);
    if (injected !== undefined) return injected ? 'Always' : 'Never';
    const fromSpec = this.options.validate === false ? 'Never' : requiresRecreation(type, property);
    if (fromSpec !== 'Never') return fromSpec;
    return this.providers.get(type)?.replaceOn?.includes(property) ? 'Always' : 'Never';
  }

  /** Parses and checks a template and its parameters and rules; throws what CloudFormation refuses before starting. */
  private prepare(input: StackInput, given?: EngineTemplate, withoutBootstrap = false): { template: EngineTemplate; parameters: ResolvedParameter[] } {
    if (typeof input.stackName !== 'string' || !/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(input.stackName)) {
      throw validationError(`1 validation error detected: Value '${String(input.stackName)}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*`);
    }
    const template = given ?? parseTemplate(input.templateBody);
    const parameters = resolveParameters(template, input.parameters, this.options.ssm, { missingStandsForName: withoutBootstrap });
    checkRules(template, parameters);
    this.checkOrderAndConditions(input.stackName, template, parameters);
    return { template, parameters };
  }

  /** A cycle or a condition that cannot be evaluated refuses the template before anything starts (the operation relies on both). */
  private checkOrderAndConditions(stackName: string, template: EngineTemplate, parameters: readonly ResolvedParameter[]): void {
    try {
      creationOrder(template);
    } catch (error) {
      const cycle = /cycle: (.*)$/.exec((error as Error).message)?.[1]?.split(' -> ') ?? [];
      throw validationError(`Circular dependency between resources: [${[...new Set(cycle)].join(', ')}]`);
    }
    const conditions = this.conditionEvaluator(stackName, template, parameters);
    const named = new Set([...Object.keys(template.Conditions ?? {}), ...Object.values(template.Resources ?? {}).flatMap((r) => (r.Condition === undefined ? [] : [r.Condition]))]);
    for (const name of named) {
      try {
        conditions(name);
      } catch (error) {
        if (error instanceof AwsError) throw error;
        throw validationError((error as Error).message);
      }
    }
  }

  // ---- applying ----

  async apply(input: StackInput): Promise<StackRecord> {
    const stack = this.start(input, undefined, undefined, true);
    return this.record(stack);
  }

  /**
   * Resources whose properties the specification refuses (they fail the operation before anything
   * is created); throws a ValidationError for a template refused as a whole (unknown types).
   */
  private validateProperties(template: EngineTemplate, conditions: (name: string) => boolean): readonly ResourceValidationFailure[] {
    if (this.options.validate === false) return [];
    const validation = validateTemplate(template, (id) => {
      const condition = template.Resources?.[id]?.Condition;
      return condition === undefined || conditions(condition);
    });
    if (validation.templateError !== undefined) throw validationError(validation.templateError);
    return validation.failures;
  }

  async deploy(input: StackInput, options: DeployOptions = {}): Promise<StackRecord> {
    const stack = this.start(input, options.template, options.assets, false, options.withoutBootstrap);
    await this.idle();
    if (stack.status !== 'CREATE_COMPLETE' && stack.status !== 'UPDATE_COMPLETE') {
      throw stack.failure ?? new Error(`${stack.stackName}: ${stack.status}${stack.statusReason === undefined ? '' : `: ${stack.statusReason}`}`);
    }
    return this.record(stack);
  }

  private start(input: StackInput, given?: EngineTemplate, assets?: AssetResolver, validate = false, withoutBootstrap = false): Stack {
    const { template, parameters } = this.prepare(input, given, withoutBootstrap);
    const invalid = validate ? this.validateProperties(template, this.conditionEvaluator(input.stackName, template, parameters)) : [];
    const existing = this.find(input.stackName);
    if (existing !== undefined && IN_PROGRESS.test(existing.status)) {
      throw validationError(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`);
    }
    if (existing !== undefined && (existing.status === 'ROLLBACK_COMPLETE' || existing.status === 'ROLLBACK_FAILED' || existing.status === 'CREATE_FAILED' || existing.status === 'DELETE_FAILED')) {
      throw validationError(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`);
    }
    if (existing !== undefined && existing.templateBody === input.templateBody && sameValue(existing.parameters.map((p) => [p.key, p.value]), parameters.map((p) => [p.key, p.value]))) {
      throw validationError('No updates are to be performed.');
    }
    const now = this.options.clock.now();
    if (existing === undefined) {
      const stack: Stack = {
        stackId: `arn:aws:cloudformation:${this.options.region}:${this.options.accountId}:stack/${input.stackName}/${randomUUID()}`,
        stackName: input.stackName,
        status: 'CREATE_IN_PROGRESS',
        templateBody: input.templateBody,
        template,
        parameters,
        outputs: [],
        tags: input.tags ?? [],
        capabilities: input.capabilities ?? [],
        createdAt: now,
        resources: new Map(),
        gone: [],
        events: [],
        imports: new Set(),
      };
      if (assets !== undefined) stack.assets = assets;
      this.stacks.push(stack);
      this.stackEvent(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
      this.track(this.create(stack, invalid));
      return stack;
    }
    const previous = { template: existing.template, templateBody: existing.templateBody, parameters: existing.parameters, imports: existing.imports, tags: existing.tags, capabilities: existing.capabilities };
    existing.template = template;
    existing.templateBody = input.templateBody;
    existing.parameters = parameters;
    existing.tags = input.tags ?? existing.tags;
    existing.capabilities = input.capabilities ?? existing.capabilities;
    existing.updatedAt = now;
    delete existing.failure;
    if (assets === undefined) delete existing.assets;
    else existing.assets = assets;
    this.setStatus(existing, 'UPDATE_IN_PROGRESS', 'User Initiated');
    this.track(this.update(existing, previous, invalid));
    return existing;
  }

  private track(operation: Promise<void>): void {
    const running = operation.catch((error: unknown) => {
      // The operations catch their own failures; anything here is a bug, not a stack outcome.
      process.emitWarning(`stack engine: ${(error as Error).stack ?? String(error)}`);
    });
    this.running.add(running);
    void running.finally(() => {
      this.running.delete(running);
      this.options.changed();
    });
  }

  private async create(stack: Stack, invalid: readonly ResourceValidationFailure[]): Promise<void> {
    const order = this.order(stack, stack.template);
    const session = this.session(stack, stack.template, stack.parameters, stack.resources);
    try {
      this.refuseInvalid(stack, invalid, 'CREATE_FAILED', 'create');
      for (const id of order) await this.createResource(stack, session, id, false);
      stack.outputs = this.resolveOutputs(stack, session);
      this.setStatus(stack, 'CREATE_COMPLETE');
    } catch (error) {
      const failure = this.asFailure(error, 'create');
      stack.failure = failure.cause;
      this.setStatus(stack, 'ROLLBACK_IN_PROGRESS', failure.logicalId === '' ? `${failure.reason} Rollback requested by user.` : `The following resource(s) failed to create: [${failure.logicalId}]. Rollback requested by user.`);
      stack.imports = new Set();
      const failed = await this.deleteAll(stack, [...stack.resources.values()].reverse(), true);
      this.setStatus(stack, failed.length === 0 ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED', failed.length === 0 ? undefined : `The following resource(s) failed to delete: [${failed.join(', ')}]. `);
    }
  }

  private async update(stack: Stack, previous: { template: EngineTemplate; templateBody: string; parameters: ResolvedParameter[]; imports: Set<string>; tags: Stack['tags']; capabilities: readonly string[] }, invalid: readonly ResourceValidationFailure[]): Promise<void> {
    const before = new Map(stack.resources);
    const beforeOutputs = stack.outputs;
    const order = this.order(stack, stack.template);
    const working = new Map(before);
    const session = this.session(stack, stack.template, stack.parameters, working);
    stack.imports = new Set();
    /** What was done, to undo on failure. */
    const done: Array<{ id: string; old?: LiveResource; replaced: boolean }> = [];
    try {
      this.refuseInvalid(stack, invalid, 'UPDATE_FAILED', 'update');
      for (const id of order) {
        const old = before.get(id);
        if (old === undefined) {
          await this.createResource(stack, session, id, false);
          done.push({ id, replaced: false });
          continue;
        }
        const outcome = await this.updateResource(stack, session, id, old);
        if (outcome !== 'unchanged') done.push({ id, old, replaced: outcome === 'replaced' });
      }
      const outputs = this.resolveOutputs(stack, session);
      this.checkExportsInUse(stack, beforeOutputs, outputs);
      stack.outputs = outputs;
      // The new order: this template's resources as processed; the removed ones stay until cleanup.
      const removed = [...before.values()].filter((r) => !order.includes(r.logicalId)).reverse();
      const replacedOld = done.filter((d) => d.replaced).map((d) => d.old!).reverse();
      stack.resources = new Map(order.map((id) => [id, working.get(id)!]));
      this.setStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      // Cleanup: what the new template no longer has, and the resources replaced, after everything else.
      const retained = (r: LiveResource, replaced: boolean) => (replaced ? r.definition.UpdateReplacePolicy : r.definition.DeletionPolicy) === 'Retain';
      for (const resource of [...replacedOld.map((r) => ({ r, replaced: true })), ...removed.map((r) => ({ r, replaced: false }))]) {
        await this.deleteResource(stack, resource.r, retained(resource.r, resource.replaced)).catch(() => undefined);
      }
      this.setStatus(stack, 'UPDATE_COMPLETE');
    } catch (error) {
      const failure = this.asFailure(error, 'update');
      stack.failure = failure.cause;
      this.setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', failure.logicalId === '' ? failure.reason : `The following resource(s) failed to ${failure.verb}: [${failure.logicalId}]. `);
      // Back to the previous template: updated resources get their old properties back; new ones go in cleanup.
      stack.template = previous.template;
      stack.templateBody = previous.templateBody;
      stack.parameters = previous.parameters;
      stack.imports = previous.imports;
      stack.tags = previous.tags;
      stack.capabilities = previous.capabilities;
      stack.outputs = beforeOutputs;
      const created: LiveResource[] = [];
      for (const step of done.reverse()) {
        const current = working.get(step.id);
        if (step.old === undefined || step.replaced) {
          if (current !== undefined) created.push(current);
          continue;
        }
        if (current !== undefined) await this.restore(stack, current, step.old);
      }
      // A resource whose own update failed is left as it was: it goes back to its previous state.
      const failedInPlace = before.get(failure.logicalId);
      if (failedInPlace !== undefined && failedInPlace.status === 'UPDATE_FAILED') {
        this.resourceEvent(stack, failedInPlace, 'UPDATE_IN_PROGRESS');
        this.resourceEvent(stack, failedInPlace, 'UPDATE_COMPLETE');
      }
      // A resource that failed while being created or replaced may exist half-made: nothing to delete locally.
      stack.resources = before;
      this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
      for (const resource of created) await this.deleteResource(stack, resource, false).catch(() => undefined);
      this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE');
    }
  }

  /** Fails every resource the specification refuses, before any is touched (one event each, one stack reason naming them all). */
  private refuseInvalid(stack: Stack, invalid: readonly ResourceValidationFailure[], status: 'CREATE_FAILED' | 'UPDATE_FAILED', verb: 'create' | 'update'): void {
    if (invalid.length === 0) return;
    for (const failure of invalid) {
      const definition = stack.template.Resources![failure.logicalId]!;
      const pending: LiveResource = { logicalId: failure.logicalId, type: failure.type, physicalId: '', attributes: {}, properties: {}, support: this.support(failure.type), definition, status, lastUpdated: this.options.clock.now() };
      this.resourceEvent(stack, pending, status, failure.reason);
    }
    const ids = invalid.map((f) => f.logicalId).join(', ');
    throw new ResourceFailure(ids, invalid[0]!.reason, new Error(invalid.map((f) => f.reason).join('\n')), verb);
  }

  /** Puts an updated resource back as it was (update rollback). */
  private async restore(stack: Stack, current: LiveResource, old: LiveResource): Promise<void> {
    this.resourceEvent(stack, old, 'UPDATE_IN_PROGRESS');
    try {
      const provider = this.providerFor(old.type);
      const result = await provider.update(current.physicalId, current.properties, old.properties, this.context(stack, old.logicalId, false));
      if (result === NEEDS_REPLACEMENT) throw new Error('the previous properties need a new resource');
      this.resourceEvent(stack, old, 'UPDATE_COMPLETE');
    } catch (error) {
      this.resourceEvent(stack, old, 'UPDATE_FAILED', this.reasonOf(error));
    }
  }

  // ---- deleting ----

  async delete(stackNameOrId: string): Promise<StackRecord> {
    const stack = this.find(stackNameOrId);
    if (stack === undefined) throw validationError(`Stack with id ${stackNameOrId} does not exist`);
    if (stack.deletedAt !== undefined) return this.record(stack);
    if (IN_PROGRESS.test(stack.status)) {
      if (stack.status.startsWith('DELETE')) return this.record(stack);
      throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be deleted.`);
    }
    this.setStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    this.track(this.deleteStack(stack));
    return this.record(stack);
  }

  private async deleteStack(stack: Stack): Promise<void> {
    for (const output of stack.outputs) {
      if (output.exportName === undefined) continue;
      const importer = this.importerOf(output.exportName, stack);
      if (importer !== undefined) {
        this.setStatus(stack, 'DELETE_FAILED', `Export ${output.exportName} cannot be deleted as it is in use by ${importer.stackName}`);
        return;
      }
    }
    const failed = await this.deleteAll(stack, [...stack.resources.values()].reverse(), false);
    if (failed.length > 0) {
      this.setStatus(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}]. `);
      return;
    }
    stack.outputs = [];
    stack.imports = new Set();
    stack.deletedAt = this.options.clock.now();
    this.setStatus(stack, 'DELETE_COMPLETE');
  }

  /** Deletes resources in the order given; returns the logical ids that failed. Retain is honoured unless rolling back a create. */
  private async deleteAll(stack: Stack, resources: LiveResource[], rollingBack: boolean): Promise<string[]> {
    const failed: string[] = [];
    for (const resource of resources) {
      try {
        await this.deleteResource(stack, resource, !rollingBack && resource.definition.DeletionPolicy === 'Retain');
      } catch {
        failed.push(resource.logicalId);
      }
    }
    return failed;
  }

  private async deleteResource(stack: Stack, resource: LiveResource, retain: boolean): Promise<void> {
    const live = stack.resources.get(resource.logicalId) === resource;
    const finish = () => {
      if (live) stack.resources.delete(resource.logicalId);
      stack.gone.push(resource);
    };
    if (retain) {
      this.resourceEvent(stack, resource, 'DELETE_SKIPPED');
      return finish();
    }
    this.resourceEvent(stack, resource, 'DELETE_IN_PROGRESS');
    try {
      await this.providerFor(resource.type).delete(resource.physicalId, resource.properties, this.context(stack, resource.logicalId, false));
    } catch (error) {
      this.resourceEvent(stack, resource, 'DELETE_FAILED', this.reasonOf(error));
      throw error;
    }
    this.resourceEvent(stack, resource, 'DELETE_COMPLETE');
    finish();
  }

  private importerOf(exportName: string, exporter: Stack): Stack | undefined {
    return this.liveStacks().find((s) => s !== exporter && s.imports.has(exportName));
  }

  /** An update may not remove or change an export another stack imports. */
  private checkExportsInUse(stack: Stack, before: readonly StackOutput[], after: readonly StackOutput[]): void {
    for (const output of before) {
      if (output.exportName === undefined) continue;
      const importer = this.importerOf(output.exportName, stack);
      if (importer === undefined) continue;
      const now = after.find((o) => o.exportName === output.exportName);
      // The stack's own reason, not a resource's (CloudFormation's words).
      if (now === undefined) throw new ResourceFailure('', `Delete canceled. Cannot delete export ${output.exportName} as it is in use by ${importer.stackName}.`, undefined, 'update');
      if (now.outputValue !== output.outputValue) throw new ResourceFailure('', `Cannot update export ${output.exportName} as it is in use by ${importer.stackName}.`, undefined, 'update');
    }
  }

  // ---- one resource ----

  private async createResource(stack: Stack, session: Session, id: string, replacing: boolean): Promise<LiveResource> {
    const definition = session.template.Resources![id]!;
    const status = replacing ? 'UPDATE' : 'CREATE';
    const pending: LiveResource = { logicalId: id, type: definition.Type, physicalId: '', attributes: {}, properties: {}, support: this.support(definition.Type), definition, status: `${status}_IN_PROGRESS`, lastUpdated: this.options.clock.now() };
    this.resourceEvent(stack, pending, `${status}_IN_PROGRESS`, replacing ? REPLACEMENT_REASON : undefined);
    let properties: Properties = {};
    try {
      properties = this.resolveProperties(session, id);
      const result = await this.providerFor(definition.Type).create(id, properties, this.context(stack, id, replacing));
      const live: LiveResource = { ...pending, physicalId: result.physicalId, attributes: result.attributes, properties };
      session.resources.set(id, live);
      if (!replacing) this.resourceEvent(stack, live, 'CREATE_IN_PROGRESS', 'Resource creation Initiated');
      this.resourceEvent(stack, live, `${status}_COMPLETE`);
      return live;
    } catch (error) {
      const reason = this.reasonOf(error);
      this.resourceEvent(stack, { ...pending, properties }, `${status}_FAILED`, reason);
      throw new ResourceFailure(id, reason, error, replacing ? 'update' : 'create');
    }
  }

  private async updateResource(stack: Stack, session: Session, id: string, old: LiveResource): Promise<'unchanged' | 'updated' | 'replaced'> {
    const definition = session.template.Resources![id]!;
    let properties: Properties;
    try {
      properties = this.resolveProperties(session, id);
    } catch (error) {
      const reason = this.reasonOf(error);
      this.resourceEvent(stack, old, 'UPDATE_FAILED', reason);
      throw new ResourceFailure(id, reason, error, 'update');
    }
    const sameType = old.type === definition.Type;
    if (sameType && sameValue(properties, old.properties)) {
      // Nothing to do for the resource itself; a changed policy or metadata is only recorded.
      session.resources.set(id, { ...old, definition });
      return 'unchanged';
    }
    const replace = !sameType || changedProperties(old.properties, properties).some((p) => this.replaces(definition.Type, p));
    if (!replace) {
      this.resourceEvent(stack, old, 'UPDATE_IN_PROGRESS');
      try {
        const result = await this.providerFor(definition.Type).update(old.physicalId, old.properties, properties, this.context(stack, id, false));
        if (result !== NEEDS_REPLACEMENT) {
          const live: LiveResource = { ...old, definition, physicalId: result.physicalId, attributes: result.attributes, properties, status: 'UPDATE_COMPLETE' };
          session.resources.set(id, live);
          this.resourceEvent(stack, live, 'UPDATE_COMPLETE');
          return 'updated';
        }
      } catch (error) {
        const reason = this.reasonOf(error);
        this.resourceEvent(stack, old, 'UPDATE_FAILED', reason);
        throw new ResourceFailure(id, reason, error, 'update');
      }
    }
    const named = this.customName(old);
    if (named !== undefined && sameType && sameValue(old.properties[named], properties[named])) {
      const reason = `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(properties[named])} and update the stack again.`;
      this.resourceEvent(stack, old, 'UPDATE_FAILED', reason);
      throw new ResourceFailure(id, reason, undefined, 'update');
    }
    await this.createResource(stack, session, id, true);
    return 'replaced';
  }

  /** The property that names a resource, when the template set it (replacing it under the same name is impossible). */
  private customName(resource: LiveResource): string | undefined {
    const replaceOn = this.providers.get(resource.type)?.replaceOn ?? [];
    return replaceOn.find((p) => /Name$/.test(p) && resource.definition.Properties?.[p] !== undefined);
  }

  private providerFor(type: string): ResourceProvider {
    return this.providers.get(type) ?? acceptedProvider(type);
  }

  private context(stack: Stack, logicalId: string, replacing: boolean): ProviderContext {
    return {
      ...this.options,
      ...(stack.assets === undefined ? {} : { assets: stack.assets }),
      stackName: stack.stackName,
      stackId: stack.stackId,
      logicalId,
      generatedName: (maxLength = 80, unique = false) =>
        replacing || unique ? physicalName(stack.stackName, `${logicalId}-${randomUUID().slice(0, 8)}`, maxLength) : physicalName(stack.stackName, logicalId, maxLength),
    };
  }

  private reasonOf(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UnresolvableError || (error instanceof AwsError && error.type === 'ValidationError') || error instanceof ResourceFailure) return message;
    return `Resource handler returned message: "${message}"`;
  }

  private asFailure(error: unknown, verb: 'create' | 'update'): ResourceFailure {
    // Anything else failed outside a resource (an output): the stack's own reason.
    return error instanceof ResourceFailure ? error : new ResourceFailure('', this.reasonOf(error), error, verb);
  }

  // ---- resolving ----

  private order(stack: Stack, template: EngineTemplate): string[] {
    const session = this.session(stack, template, stack.parameters, new Map());
    return creationOrder(template).filter((id) => session.includes(id));
  }

  private conditionEvaluator(stackName: string, template: EngineTemplate, parameters: readonly ResolvedParameter[]): (name: string) => boolean {
    const session = new StackSession({ stackName, region: this.options.region, accountId: this.options.accountId, template, parameters, resources: new Map() });
    return (name) => session.condition(name);
  }

  private session(stack: Stack, template: EngineTemplate, parameters: readonly ResolvedParameter[], resources: Map<string, LiveResource>): Session {
    return new StackSession({
      stackName: stack.stackName,
      stackId: stack.stackId,
      region: this.options.region,
      accountId: this.options.accountId,
      template,
      parameters,
      resources,
      importValue: (name) => {
        const exported = this.exports().find((e) => e.name === name && e.exportingStackId !== stack.stackId);
        if (exported !== undefined) stack.imports.add(name);
        return exported?.value;
      },
      ...(this.options.ssm === undefined ? {} : { ssm: this.options.ssm }),
    });
  }

  private resolveProperties(session: Session, id: string): Properties {
    return session.properties(id);
  }

  /** The outputs; an export another stack has already fails the operation. */
  private resolveOutputs(stack: Stack, session: Session): StackOutput[] {
    const outputs = session.outputs();
    for (const { exportName } of outputs) {
      if (exportName === undefined) continue;
      const other = this.liveStacks().find((s) => s !== stack && s.outputs.some((o) => o.exportName === exportName));
      if (other !== undefined) throw new ResourceFailure('', `Export with name ${exportName} is already exported by stack ${other.stackName}.`, undefined, 'create');
    }
    return outputs;
  }

  // ---- statuses and events ----

  private setStatus(stack: Stack, status: StackStatus, reason?: string): void {
    stack.status = status;
    if (reason === undefined) delete stack.statusReason;
    else stack.statusReason = reason;
    this.stackEvent(stack, status, reason);
  }

  private stackEvent(stack: Stack, status: StackStatus, reason?: string): void {
    stack.events.push({
      eventId: randomUUID(),
      stackId: stack.stackId,
      stackName: stack.stackName,
      logicalResourceId: stack.stackName,
      physicalResourceId: stack.stackId,
      resourceType: 'AWS::CloudFormation::Stack',
      resourceStatus: status,
      ...(reason === undefined ? {} : { resourceStatusReason: reason }),
      timestamp: this.eventTime(),
    });
  }

  /**
   * The cloud's time, but never the same millisecond twice: clients order events by timestamp (the
   * CDK CLI's progress does), and a whole local stack operation can fit in one millisecond.
   */
  private eventTime(): number {
    this.lastEventAt = Math.max(this.options.clock.now(), this.lastEventAt + 1);
    return this.lastEventAt;
  }

  private resourceEvent(stack: Stack, resource: LiveResource, status: ResourceStatus, reason?: string): void {
    const now = this.eventTime();
    resource.status = status;
    resource.lastUpdated = now;
    if (reason === undefined) delete resource.reason;
    else resource.reason = reason;
    stack.events.push({
      eventId: `${resource.logicalId}-${status}-${randomUUID()}`,
      stackId: stack.stackId,
      stackName: stack.stackName,
      logicalResourceId: resource.logicalId,
      ...(resource.physicalId === '' ? {} : { physicalResourceId: resource.physicalId }),
      resourceType: resource.type,
      resourceStatus: status,
      ...(reason === undefined ? {} : { resourceStatusReason: reason }),
      timestamp: now,
    });
  }
}

/** One operation's view of a template (see stack-session.ts). */
type Session = StackSession<LiveResource>;
