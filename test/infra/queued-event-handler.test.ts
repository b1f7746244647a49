import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as path from 'node:path';
import { FailureTable } from '../../infra/constructs/failure-table';
import { QueuedEventHandler, type QueuedEventHandlerProps } from '../../infra/constructs/queued-event-handler';
import { appContext } from '../support/synth';

const ENTRY = path.join(__dirname, '..', '..', 'functions', 'audit', 'record-event.ts');

/** Builds the construct alone in a fresh stack with the given props on top of valid ones. */
function build(overrides: Partial<QueuedEventHandlerProps> = {}) {
  const stack = new Stack(new App({ context: appContext() }), 'Test');
  const hop = new QueuedEventHandler(stack, 'Hop', {
    eventBus: new events.EventBus(stack, 'Bus'),
    eventPattern: { source: ['shop.test'] },
    entry: ENTRY,
    failureTable: new FailureTable(stack, 'Failures', { removalPolicy: RemovalPolicy.DESTROY }).table,
    ...overrides,
  });
  return { stack, hop, template: Template.fromStack(stack) };
}

describe('QueuedEventHandler', () => {
  it('exposes what it creates', () => {
    const { hop } = build();
    expect(hop.rule).toBeDefined();
    expect(hop.queue).toBeDefined();
    expect(hop.deadLetterQueue).not.toBe(hop.targetDeadLetterQueue);
    expect(hop.alarms).toHaveLength(3);
  });

  it('derives the visibility timeout from the function timeout and honours overrides', () => {
    // Act
    const { template } = build({ timeout: Duration.seconds(20), maxReceiveCount: 3, batchSize: 5, maxConcurrency: 7, retryAttempts: 2, maxEventAge: Duration.minutes(10) });

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 120, RedrivePolicy: { maxReceiveCount: 3 } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 5, ScalingConfig: { MaximumConcurrency: 7 } });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [{ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 } }],
    });
  });

  it('may write its failure table (FAILURE_TABLE_NAME) and may not publish: events leave through the outbox relay', () => {
    const { template, stack } = build();
    const failures = stack.node.findChild('Failures').node.findChild('Table').node.defaultChild as CfnTable;
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { FAILURE_TABLE_NAME: { Ref: stack.getLogicalId(failures) } } } });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('dynamodb:PutItem');
    expect(policies).not.toContain('dynamodb:GetItem');
    expect(policies).not.toContain('events:PutEvents');
  });

  it('takes a batch above 10 with a batching window, as Lambda does for standard queues', () => {
    const { template } = build({ batchSize: 100, maxBatchingWindow: Duration.seconds(2) });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 100, MaximumBatchingWindowInSeconds: 2 });
  });

  it.each<[string, Partial<QueuedEventHandlerProps>, string]>([
    ['maxReceiveCount', { maxReceiveCount: 0 }, 'maxReceiveCount must be an integer between 1 and 1000, got 0'],
    ['batchSize', { batchSize: 11 }, 'batchSize must be an integer between 1 and 10, got 11 (up to 10000 with a maxBatchingWindow of at least 1 second)'],
    ['batchSize', { batchSize: 0 }, 'batchSize must be an integer between 1 and 10, got 0'],
    ['batchSize', { batchSize: 10_001, maxBatchingWindow: Duration.seconds(1) }, 'batchSize must be an integer between 1 and 10000, got 10001'],
    ['batchSize', { batchSize: 20, maxBatchingWindow: Duration.millis(500) }, 'batchSize must be an integer between 1 and 10, got 20 (up to 10000 with a maxBatchingWindow of at least 1 second)'],
    ['maxConcurrency', { maxConcurrency: 1 }, 'maxConcurrency must be an integer between 2 and 1000, got 1'],
    ['retryAttempts', { retryAttempts: 200 }, 'retryAttempts must be an integer between 0 and 185, got 200'],
    ['memorySize', { memorySize: 64 }, 'memorySize must be an integer between 128 and 10240, got 64'],
    ['timeout', { timeout: Duration.minutes(16) }, 'timeout must be between 1 second and 15 minutes, got 16 minutes'],
    ['maxBatchingWindow', { maxBatchingWindow: Duration.minutes(6) }, 'maxBatchingWindow must be between 0 seconds and 5 minutes, got 6 minutes'],
    ['maxEventAge', { maxEventAge: Duration.seconds(30) }, 'maxEventAge must be between 1 minute and 1 day, got 30 seconds'],
    ['dlqRetentionPeriod', { dlqRetentionPeriod: Duration.days(15) }, 'dlqRetentionPeriod must be between 1 minute and 14 days, got 15 days'],
    ['entry', { entry: ' ' }, 'entry must name the handler file, got " "'],
    ['tables', { tables: { 'table-name': { table: undefined as never } } }, 'tables keys are environment variable names like TABLE_NAME, got "table-name"'],
  ])('rejects a bad %s, quoting the value', (_prop, overrides, message) => {
    expect(() => build(overrides)).toThrow(`QueuedEventHandler: ${message}`);
  });
});
