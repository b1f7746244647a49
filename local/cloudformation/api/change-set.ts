import type { ResourceChange, StackInput } from '../stack-engine';

/** A change set's creation status (`Status`). */
export type ChangeSetStatus = 'CREATE_PENDING' | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'FAILED';

/** Whether and how a change set can run (`ExecutionStatus`). */
export type ExecutionStatus = 'UNAVAILABLE' | 'AVAILABLE' | 'EXECUTE_IN_PROGRESS' | 'EXECUTE_COMPLETE' | 'EXECUTE_FAILED' | 'OBSOLETE';

/** CloudFormation's reason for a change set that would change nothing; the CDK CLI matches its start. */
export const NO_CHANGES_REASON = "The submitted information didn't contain changes. Submit different information to create a change set.";

/** A change set: the input it would apply and what the engine planned for it. */
export interface ChangeSet {
  readonly id: string;
  readonly name: string;
  /** The stack's id when the change set was made (a stack in review has the id its change set gave it). */
  readonly stackId: string;
  readonly stackName: string;
  readonly type: 'CREATE' | 'UPDATE';
  readonly description?: string;
  readonly input: StackInput;
  readonly createdAt: number;
  status: ChangeSetStatus;
  statusReason?: string;
  /** Set while not executed; once executed, the engine's stack status tells the execution status. */
  execution: ExecutionStatus;
  changes: readonly ResourceChange[];
  /** The engine's id of the stack the change set ran on, once executed. */
  executedStackId?: string;
}
