import { randomUUID } from 'node:crypto';
import { AwsError } from '../../aws-error';
import type { Clock } from '../../clock';
import type { StackEngine, StackEvent, StackRecord } from '../stack-engine';
import type { ChangeSet } from './change-set';

/** A stack that a CREATE change set made and nothing has executed yet: CloudFormation's REVIEW_IN_PROGRESS. */
interface ReviewStack {
  readonly record: StackRecord;
}

export interface StackDirectoryOptions {
  readonly engine: StackEngine;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
}

/**
 * What the API knows beyond the engine: stacks in review (made by a CREATE change set, not yet
 * executed, unknown to the engine), change sets, and the ids a reviewed stack had before the
 * engine created it (the CLI keeps polling by the id its change set answered). Finds stacks by
 * name (live ones) or id (deleted ones too), as CloudFormation does.
 */
export class StackDirectory {
  readonly engine: StackEngine;
  private readonly reviews = new Map<string, ReviewStack>();
  /** A reviewed stack's id -> the engine's id of the stack its change set created. */
  private readonly aliases = new Map<string, string>();
  /** By change set id, in creation order. */
  private readonly changeSets = new Map<string, ChangeSet>();
  /** The engine's stack id -> the change set that last ran on it (`DescribeStacks` shows it). */
  private readonly lastChangeSet = new Map<string, string>();
  /** Stacks (by id) with termination protection on. */
  readonly terminationProtected = new Set<string>();
  /** The REVIEW_IN_PROGRESS events of a reviewed stack, shown under the stack the engine created. */
  private readonly reviewEvents = new Map<string, readonly StackEvent[]>();

  constructor(private readonly options: StackDirectoryOptions) {
    this.engine = options.engine;
  }

  /** A stack by name (live ones) or id (any), reviewed stacks included; undefined when none. */
  find(nameOrId: string): StackRecord | undefined {
    if (nameOrId.startsWith('arn:')) {
      const review = this.reviews.get(nameOrId);
      if (review !== undefined) return review.record;
      return this.engine.get(this.aliases.get(nameOrId) ?? nameOrId);
    }
    for (const review of this.reviews.values()) {
      if (review.record.stackName === nameOrId && review.record.status === 'REVIEW_IN_PROGRESS') return review.record;
    }
    const live = this.engine.get(nameOrId);
    return live === undefined || live.status === 'DELETE_COMPLETE' ? undefined : live;
  }

  /** Every stack, reviewed and deleted ones included, oldest first. */
  all(): StackRecord[] {
    return [...this.engine.list(), ...[...this.reviews.values()].map((r) => r.record)].sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The stack's events, newest first, with the review it went through before the engine made it. */
  eventsNewestFirst(stack: StackRecord): StackEvent[] {
    return [...(this.reviewEvents.get(stack.stackId) ?? []), ...stack.events].reverse();
  }

  isReview(stack: StackRecord): boolean {
    return this.reviews.has(stack.stackId);
  }

  /** Opens a stack for review, as a CREATE change set does: REVIEW_IN_PROGRESS, no resources. */
  openReview(stackName: string, tags: StackRecord['tags']): StackRecord {
    const now = this.options.clock.now();
    const stackId = `arn:aws:cloudformation:${this.options.region}:${this.options.accountId}:stack/${stackName}/${randomUUID()}`;
    const event: StackEvent = {
      eventId: randomUUID(),
      stackId,
      stackName,
      logicalResourceId: stackName,
      physicalResourceId: stackId,
      resourceType: 'AWS::CloudFormation::Stack',
      resourceStatus: 'REVIEW_IN_PROGRESS',
      resourceStatusReason: 'User Initiated',
      timestamp: now,
    };
    const record: StackRecord = {
      stackId,
      stackName,
      status: 'REVIEW_IN_PROGRESS',
      statusReason: 'User Initiated',
      templateBody: '',
      parameters: [],
      outputs: [],
      tags,
      capabilities: [],
      createdAt: now,
      resources: [],
      events: [event],
    };
    this.reviews.set(stackId, { record });
    return record;
  }

  /** The reviewed stack is now the engine's (its change set ran, or CreateStack took its name). */
  closeReview(reviewId: string, engineStack: StackRecord): void {
    const review = this.reviews.get(reviewId);
    if (review === undefined) return;
    this.reviews.delete(reviewId);
    if (engineStack.stackId !== reviewId) this.aliases.set(reviewId, engineStack.stackId);
    this.reviewEvents.set(engineStack.stackId, review.record.events);
    for (const changeSet of this.changeSets.values()) {
      if (changeSet.stackId === reviewId && changeSet.executedStackId === undefined) changeSet.execution = 'OBSOLETE';
    }
  }

  /** A change set ran on the stack: a reviewed stack becomes the engine's, and the stack shows the change set's id. */
  executed(changeSet: ChangeSet, applied: StackRecord): void {
    if (this.reviews.has(changeSet.stackId)) this.closeReview(changeSet.stackId, applied);
    this.lastChangeSet.set(applied.stackId, changeSet.id);
  }

  /** The id of the change set that last ran on the stack, if one did. */
  lastChangeSetId(stack: StackRecord): string | undefined {
    return this.lastChangeSet.get(stack.stackId);
  }

  /** Deletes a reviewed stack: DELETE_COMPLETE, still describable by its id. */
  deleteReview(reviewId: string): void {
    const review = this.reviews.get(reviewId);
    if (review === undefined || review.record.status === 'DELETE_COMPLETE') return;
    const now = this.options.clock.now();
    const record = review.record;
    const event: StackEvent = { ...record.events[0]!, eventId: randomUUID(), resourceStatus: 'DELETE_COMPLETE', timestamp: now };
    const { statusReason: _reviewReason, ...rest } = record;
    this.reviews.set(reviewId, { record: { ...rest, status: 'DELETE_COMPLETE', deletedAt: now, events: [...record.events, event] } });
    for (const id of [...this.changeSets.keys()]) if (this.changeSets.get(id)?.stackId === reviewId) this.changeSets.delete(id);
  }

  /** The engine's id for a stack id the API handed out (the same id unless it was reviewed first). */
  engineId(stackId: string): string {
    return this.aliases.get(stackId) ?? stackId;
  }

  addChangeSet(changeSet: ChangeSet): void {
    this.changeSets.set(changeSet.id, changeSet);
  }

  removeChangeSet(changeSet: ChangeSet): void {
    this.changeSets.delete(changeSet.id);
  }

  /** The change sets of a stack (by any id it had), oldest first. */
  changeSetsOf(stack: StackRecord): ChangeSet[] {
    return [...this.changeSets.values()].filter((c) => this.engineId(c.stackId) === stack.stackId || c.stackId === stack.stackId);
  }

  /**
   * A change set by ARN, or by name within a stack. Throws CloudFormation's errors: a stack that
   * does not exist, a missing stack name, a change set that does not exist (`ChangeSetNotFound`, 404).
   */
  findChangeSet(changeSetName: string, stackName: string | undefined): { changeSet: ChangeSet; stack: StackRecord | undefined } {
    if (changeSetName.startsWith('arn:')) {
      const changeSet = this.changeSets.get(changeSetName);
      if (changeSet === undefined) throw changeSetNotFound(changeSetName);
      return { changeSet, stack: this.find(changeSet.stackId) };
    }
    if (stackName === undefined) throw new AwsError('ValidationError', 'StackName must be specified if ChangeSetName is not specified as an ARN.');
    const stack = this.find(stackName);
    if (stack === undefined) throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
    const changeSet = this.changeSetsOf(stack)
      .reverse()
      .find((c) => c.name === changeSetName);
    if (changeSet === undefined) throw changeSetNotFound(changeSetName);
    return { changeSet, stack };
  }

  /** Change sets not yet planned (settling waits for them). */
  planning(): number {
    return [...this.changeSets.values()].filter((c) => c.status === 'CREATE_PENDING' || c.status === 'CREATE_IN_PROGRESS').length;
  }
}

/** CloudFormation's answer for a change set it does not have (404, `ChangeSetNotFound`). */
export function changeSetNotFound(nameOrId: string): AwsError {
  // `ChangeSetNotFound` is the code on the wire; the SDKs name the exception ChangeSetNotFoundException.
  return new AwsError('ChangeSetNotFound', `ChangeSet [${nameOrId}] does not exist`, 404);
}
