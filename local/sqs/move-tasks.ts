import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock';
import { SqsErrors } from './errors';
import type { SqsQueue } from './queue';
import type { SqsService } from './sqs-service';

interface MoveTask {
  readonly id: string;
  readonly handle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly rate?: number;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  moved: number;
  readonly toMove: number;
  readonly startedAt: number;
  failureReason?: string;
  timer?: Timer;
}

/** Messages moved per step when no rate is given ("system optimized" in SQS). */
const UNLIMITED_STEP = 500;

/**
 * SQS message move tasks: move the messages of a dead-letter queue back to the queues they came
 * from (their `DeadLetterQueueSourceArn`) or to a given destination, optionally rate limited.
 */
export class MoveTasks {
  private readonly tasks: MoveTask[] = [];

  constructor(
    private readonly sqs: SqsService,
    private readonly clock: Clock,
  ) {}

  /** Tasks still moving messages (for settling). */
  get active(): number {
    return this.tasks.filter((t) => t.status === 'RUNNING' || t.status === 'CANCELLING').length;
  }

  start(input: Record<string, unknown>): string {
    const source = this.sqs.queueByArn(input['SourceArn']);
    if (this.sqs.sourcesOf(source).length === 0) {
      throw SqsErrors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    }
    const destinationArn = typeof input['DestinationArn'] === 'string' ? input['DestinationArn'] : undefined;
    if (destinationArn !== undefined) this.sqs.queueByArn(destinationArn);
    const rate = input['MaxNumberOfMessagesPerSecond'] === undefined ? undefined : Number(input['MaxNumberOfMessagesPerSecond']);
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
      throw SqsErrors.invalidParameterValue(`Value ${String(input['MaxNumberOfMessagesPerSecond'])} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500.`);
    }
    if (this.tasks.some((t) => t.sourceArn === source.arn && (t.status === 'RUNNING' || t.status === 'CANCELLING'))) {
      throw SqsErrors.unsupportedOperation('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    const id = randomUUID();
    const task: MoveTask = {
      id,
      handle: Buffer.from(JSON.stringify({ taskId: id, sourceArn: source.arn })).toString('base64'),
      sourceArn: source.arn,
      ...(destinationArn === undefined ? {} : { destinationArn }),
      ...(rate === undefined ? {} : { rate }),
      status: 'RUNNING',
      moved: 0,
      toMove: source.approximate.ready,
      startedAt: this.clock.now(),
    };
    this.tasks.push(task);
    this.schedule(task, 0);
    return task.handle;
  }

  list(input: Record<string, unknown>): Array<Record<string, unknown>> {
    const source = this.sqs.queueByArn(input['SourceArn']);
    const max = input['MaxResults'] === undefined ? 1 : Number(input['MaxResults']);
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw SqsErrors.invalidParameterValue(`Value ${String(input['MaxResults'])} for parameter MaxResults is invalid. Reason: must be between 1 and 10.`);
    }
    return this.tasks
      .filter((t) => t.sourceArn === source.arn)
      .reverse()
      .slice(0, max)
      .map((t) => ({
        ...(t.status === 'RUNNING' ? { TaskHandle: t.handle } : {}),
        Status: t.status,
        SourceArn: t.sourceArn,
        ...(t.destinationArn === undefined ? {} : { DestinationArn: t.destinationArn }),
        ...(t.rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: t.rate }),
        ApproximateNumberOfMessagesMoved: t.moved,
        ApproximateNumberOfMessagesToMove: t.toMove,
        ...(t.failureReason === undefined ? {} : { FailureReason: t.failureReason }),
        StartedTimestamp: t.startedAt,
      }));
  }

  cancel(input: Record<string, unknown>): number {
    const task = this.tasks.find((t) => t.handle === input['TaskHandle']);
    if (task === undefined) throw SqsErrors.resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') throw SqsErrors.unsupportedOperation(`Only active tasks can be cancelled; this one is ${task.status}.`);
    task.timer?.cancel();
    task.status = 'CANCELLED';
    return task.moved;
  }

  private schedule(task: MoveTask, delayMs: number): void {
    if (task.rate !== undefined && delayMs > 0) task.timer = this.clock.after(delayMs, () => this.step(task));
    // Unlimited tasks move in chunks between other work, without waiting on the clock.
    else setImmediate(() => this.step(task));
  }

  private step(task: MoveTask): void {
    if (task.status !== 'RUNNING') return;
    let source: SqsQueue;
    try {
      source = this.sqs.queueByArn(task.sourceArn);
    } catch {
      return this.fail(task, 'The source queue was deleted.');
    }
    const budget = Math.min(task.rate ?? UNLIMITED_STEP, task.toMove - task.moved);
    const messages = budget > 0 ? source.drainReady(budget) : [];
    for (const message of messages) {
      const destinationArn = task.destinationArn ?? message.deadLetterSourceArn;
      const destination = destinationArn === undefined ? undefined : this.sqs.findByArn(destinationArn);
      const target = destination ?? source;
      target.send({
        body: message.body,
        ...(message.attributes ? { attributes: message.attributes } : {}),
        ...(message.traceHeader ? { traceHeader: message.traceHeader } : {}),
        ...(message.groupId ? { groupId: message.groupId, dedupId: `${message.id}-moved` } : {}),
        ...(destination === undefined && message.deadLetterSourceArn ? { deadLetterSourceArn: message.deadLetterSourceArn } : {}),
      });
      if (destination === undefined) {
        return this.fail(task, `The destination queue ${destinationArn ?? '(unknown source)'} of message ${message.id} does not exist.`);
      }
      task.moved++;
    }
    if (messages.length === 0 || task.moved >= task.toMove) {
      task.status = 'COMPLETED';
      return;
    }
    this.schedule(task, 1000);
  }

  private fail(task: MoveTask, reason: string): void {
    task.status = 'FAILED';
    task.failureReason = reason;
  }
}
