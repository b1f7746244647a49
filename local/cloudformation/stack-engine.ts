/**
 * The contract between CloudFormation's API (query protocol actions, `local/cloudformation/api/`) and
 * the stack engine (`local/cloudformation/engine.ts`) that creates, updates and deletes stacks through
 * one resource provider per type. Names and statuses are CloudFormation's own.
 */

/** A stack's status, as CloudFormation names it. */
export type StackStatus =
  | 'REVIEW_IN_PROGRESS'
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'CREATE_FAILED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_COMPLETE'
  | 'ROLLBACK_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_COMPLETE'
  | 'DELETE_FAILED';

/** A resource's status within its stack. */
export type ResourceStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'CREATE_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_COMPLETE'
  | 'DELETE_FAILED'
  | 'DELETE_SKIPPED';

/** One line of `DescribeStackEvents`: a stack's or a resource's status change, with the reason. */
export interface StackEvent {
  readonly eventId: string;
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly resourceType: string;
  readonly resourceStatus: StackStatus | ResourceStatus;
  readonly resourceStatusReason?: string;
  /** ms since the epoch, on the cloud's clock. */
  readonly timestamp: number;
}

/** A resource of a stack as `DescribeStackResources` / `ListStackResources` show it. */
export interface StackResourceRecord {
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly resourceType: string;
  readonly resourceStatus: ResourceStatus;
  readonly resourceStatusReason?: string;
  readonly lastUpdated: number;
}

export interface StackOutput {
  readonly outputKey: string;
  readonly outputValue: string;
  readonly description?: string;
  readonly exportName?: string;
}

/** A stack, live or deleted (a deleted stack stays describable by its id, as on AWS). */
export interface StackRecord {
  readonly stackId: string;
  readonly stackName: string;
  readonly status: StackStatus;
  readonly statusReason?: string;
  readonly description?: string;
  /** The template as it was sent (JSON or YAML text), for `GetTemplate`. */
  readonly templateBody: string;
  readonly parameters: ReadonlyArray<{ readonly key: string; readonly value: string; readonly resolvedValue?: string }>;
  readonly outputs: readonly StackOutput[];
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly capabilities: readonly string[];
  readonly createdAt: number;
  readonly updatedAt?: number;
  readonly deletedAt?: number;
  readonly resources: readonly StackResourceRecord[];
  /** Oldest first. */
  readonly events: readonly StackEvent[];
}

/** One line of a change set: what applying the template would do to one resource. */
export interface ResourceChange {
  readonly action: 'Add' | 'Modify' | 'Remove';
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly resourceType: string;
  /** Whether the change replaces the resource (a new physical resource). */
  readonly replacement?: 'True' | 'False' | 'Conditional';
  /** Which parts change: `Properties`, `Metadata`, `Tags`. */
  readonly scope: readonly string[];
}

/** A template and its inputs, as a change set or `UpdateStack` gives them. */
export interface StackInput {
  readonly stackName: string;
  readonly templateBody: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags?: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly capabilities?: readonly string[];
}

/**
 * The engine. `apply` and `delete` return at once with the stack IN_PROGRESS and go on in the
 * background (as CloudFormation does: clients poll `DescribeStacks` and `DescribeStackEvents`);
 * `idle()` resolves when nothing is in progress (settling waits on it).
 */
export interface StackEngine {
  /**
   * What applying the input would change, without changing anything. Throws a `ValidationError`
   * (CloudFormation's `ValidationError` code and message) for a template it refuses outright.
   */
  plan(input: StackInput): Promise<readonly ResourceChange[]>;
  /** Creates the stack or updates it to the input; a failing resource rolls the stack back. */
  apply(input: StackInput): Promise<StackRecord>;
  /** Deletes the stack's resources in reverse dependency order; refuses while another stack imports its exports. */
  delete(stackNameOrId: string): Promise<StackRecord>;
  /** A live stack by name, or any stack (deleted ones too) by id. */
  get(stackNameOrId: string): StackRecord | undefined;
  /** Every stack, deleted ones included (ListStacks filters by status). */
  list(): readonly StackRecord[];
  /** Cross-stack exports: `ListExports`, `Fn::ImportValue`. */
  exports(): ReadonlyArray<{ readonly name: string; readonly value: string; readonly exportingStackId: string }>;
  /** Resolves once no stack operation is in progress. */
  idle(): Promise<void>;
}
