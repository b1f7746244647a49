import { resolveIntrinsics, UnresolvableError, type IntrinsicContext } from '../assembly/intrinsics';
import { resolveDynamicReferences } from './dynamic-references';
import type { ResolvedParameter } from './parameters';
import type { ParameterStore, Properties } from './provider';
import type { EngineTemplate } from './template';

/** How the engine runs a type: through its provider, only recorded (accepted), or recorded and unusable (unsupported). */
export type TypeSupport = 'provided' | 'accepted' | 'unsupported';

/** What a reference to a resource resolves to. */
export interface SessionResource {
  readonly physicalId: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly support: TypeSupport;
}

export interface SessionOptions<R extends SessionResource> {
  readonly stackName: string;
  /** `AWS::StackId`. @default one made of the name */
  readonly stackId?: string;
  readonly region: string;
  readonly accountId: string;
  readonly template: EngineTemplate;
  readonly parameters: readonly ResolvedParameter[];
  /** The resources references resolve to; the engine adds each as it is created. */
  readonly resources: Map<string, R>;
  /** Another stack's export, recorded as imported by this one; undefined when no stack exports it. */
  readonly importValue?: (name: string) => string | undefined;
  /** For `{{resolve:ssm:...}}`. */
  readonly ssm?: ParameterStore;
}

/** An output as resolved, before the engine checks its export. */
export interface ResolvedOutput {
  readonly outputKey: string;
  readonly outputValue: string;
  readonly description?: string;
  readonly exportName?: string;
}

/**
 * One stack operation's view of a template: what `Ref`, `Fn::GetAtt`, `Fn::ImportValue` and
 * conditions resolve to while resources are created one after another. Errors name the stack and
 * the resource or output being resolved.
 */
export class StackSession<R extends SessionResource> {
  readonly template: EngineTemplate;
  readonly resources: Map<string, R>;
  private current = '';
  private readonly context: IntrinsicContext;
  private readonly conditions = new Map<string, boolean>();

  constructor(private readonly options: SessionOptions<R>) {
    this.template = options.template;
    this.resources = options.resources;
    const refs = new Map(options.parameters.map((p) => [p.key, p.ref]));
    const where = () => `${options.stackName}/${this.current}`;
    const use = (id: string): R => {
      const resource = this.resources.get(id);
      const type = this.template.Resources?.[id]?.Type ?? 'unknown';
      if (resource === undefined) throw new UnresolvableError(`${where()} refers to ${id}, which was not created`);
      if (resource.support === 'unsupported') throw new UnresolvableError(`${where()} needs ${id} (${type}), a resource type the local cloud cannot run`);
      return resource;
    };
    this.context = {
      stackName: options.stackName,
      ...(options.stackId === undefined ? {} : { stackId: options.stackId }),
      region: options.region,
      accountId: options.accountId,
      ...(this.template.Mappings === undefined ? {} : { mappings: this.template.Mappings }),
      ref: (id) => (refs.has(id) ? refs.get(id) : use(id).physicalId),
      getAtt: (id, attribute) => {
        const value = use(id).attributes[attribute];
        if (value === undefined) throw new UnresolvableError(`${where()}: Fn::GetAtt ${id}.${attribute} is not supported by the local cloud`);
        return value;
      },
      importValue: (name) => {
        const value = options.importValue?.(name);
        if (value === undefined) throw new UnresolvableError(`${where()}: Fn::ImportValue of "${name}", which no deployed stack exports (No export named ${name} found)`);
        return value;
      },
      condition: (name) => this.condition(name),
    };
  }

  /** A named condition's value (evaluated once). */
  condition(name: string): boolean {
    if (!this.conditions.has(name)) {
      const definition = this.template.Conditions?.[name];
      if (definition === undefined) throw new UnresolvableError(`Template error: unresolved condition dependency ${name} in Fn::If`);
      this.conditions.set(name, resolveIntrinsics(definition, this.context) === true);
    }
    return this.conditions.get(name)!;
  }

  /** Whether a resource is part of the stack (its Condition holds). */
  includes(logicalId: string): boolean {
    const condition = this.template.Resources?.[logicalId]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  /** A resource's properties with intrinsics and dynamic references resolved. */
  properties(logicalId: string): Properties {
    this.current = logicalId;
    const definition = this.template.Resources![logicalId]!;
    const resolved = (resolveIntrinsics(definition.Properties ?? {}, this.context) ?? {}) as Properties;
    return resolveDynamicReferences(resolved, this.options.ssm);
  }

  /** The outputs whose Condition holds, values as strings (lists joined with commas). */
  outputs(): ResolvedOutput[] {
    const outputs: ResolvedOutput[] = [];
    for (const [key, output] of Object.entries(this.template.Outputs ?? {})) {
      if (output.Condition !== undefined && !this.condition(output.Condition)) continue;
      this.current = `Outputs/${key}`;
      const value = resolveIntrinsics(output.Value, this.context);
      const outputValue = Array.isArray(value) ? value.join(',') : String(value);
      const exportName = output.Export === undefined ? undefined : String(resolveIntrinsics(output.Export.Name, this.context));
      const description = (output as { Description?: unknown }).Description;
      outputs.push({ outputKey: key, outputValue, ...(description === undefined ? {} : { description: String(description) }), ...(exportName === undefined ? {} : { exportName }) });
    }
    return outputs;
  }
}
