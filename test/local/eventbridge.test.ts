import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  StartReplayCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock } from '../../local/clock';
import { DeliveryError } from '../../local/eventbridge/delivery';
import { localCloudWithClients } from '../support/local-cloud';

/** EventBridge semantics through the endpoint with the AWS SDK. */
let env: Awaited<ReturnType<typeof localCloudWithClients>>;
let events: EventBridgeClient;
let sqs: SQSClient;
let clock: ManualClock;
let n = 0;
/** Targets whose ids start with `flaky` fail this many more times. */
let flakyFailures = 0;

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 22, 10, 0, 0));
  env = await localCloudWithClients({
    clock,
    retryBaseDelayMs: 1000,
    deliveryFault: (target) => (target.id.startsWith('flaky') && flakyFailures-- > 0 ? new DeliveryError('THROTTLING', 'injected by the test', true) : undefined),
  });
  ({ events, sqs } = env);
});
afterAll(() => env.cloud.stop());

async function queue(name = `eb-q${++n}`): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}
const bodies = async (url: string) => ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }))).Messages ?? []);
const entry = (source: string, detail: object = { n: 1 }, bus = 'default') => ({ Source: source, DetailType: 'Thing', Detail: JSON.stringify(detail), EventBusName: bus });

async function ruleToQueue(pattern: object, options: { bus?: string; target?: object } = {}) {
  const target = await queue();
  const name = `rule-${++n}`;
  await events.send(new PutRuleCommand({ Name: name, EventBusName: options.bus, EventPattern: JSON.stringify(pattern) }));
  await events.send(new PutTargetsCommand({ Rule: name, EventBusName: options.bus, Targets: [{ Id: 't1', Arn: target.arn, ...options.target }] }));
  return { name, ...target };
}

describe('buses and rules', () => {
  it('has the default bus, creates, describes, lists and deletes custom buses', async () => {
    expect((await events.send(new DescribeEventBusCommand({}))).Arn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/default');
    const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: 'orders-bus' }));
    expect(EventBusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/orders-bus');
    await expect(events.send(new CreateEventBusCommand({ Name: 'orders-bus' }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    expect((await events.send(new ListEventBusesCommand({ NamePrefix: 'orders' }))).EventBuses?.map((b) => b.Name)).toEqual(['orders-bus']);
    await expect(events.send(new DeleteEventBusCommand({ Name: 'default' }))).rejects.toThrow('Cannot delete event bus default.');
    await events.send(new DeleteEventBusCommand({ Name: 'orders-bus' }));
    await expect(events.send(new DescribeEventBusCommand({ Name: 'orders-bus' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('puts, describes, lists, disables and deletes rules; refuses bad patterns with the reason', async () => {
    const rule = await ruleToQueue({ source: ['shop.rules'] });
    expect(await events.send(new DescribeRuleCommand({ Name: rule.name }))).toMatchObject({ State: 'ENABLED', EventPattern: '{"source":["shop.rules"]}' });
    expect((await events.send(new ListRulesCommand({ NamePrefix: rule.name }))).Rules?.map((r) => r.Name)).toEqual([rule.name]);
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: rule.name }))).Targets?.map((t) => t.Arn)).toEqual([rule.arn]);
    await expect(events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source": "shop"}' }))).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: 'Event pattern is not valid. Reason: "source" must be an object or an array',
    });
    await expect(events.send(new DeleteRuleCommand({ Name: rule.name }))).rejects.toThrow("Rule can't be deleted since it has targets.");

    // A disabled rule delivers nothing; enabled again, it does.
    await events.send(new DisableRuleCommand({ Name: rule.name }));
    await events.send(new PutEventsCommand({ Entries: [entry('shop.rules')] }));
    expect(await bodies(rule.url)).toEqual([]);
    await events.send(new EnableRuleCommand({ Name: rule.name }));
    await events.send(new PutEventsCommand({ Entries: [entry('shop.rules')] }));
    expect(await bodies(rule.url)).toHaveLength(1);

    await events.send(new RemoveTargetsCommand({ Rule: rule.name, Ids: ['t1'] }));
    await events.send(new DeleteRuleCommand({ Name: rule.name }));
    await expect(events.send(new DescribeRuleCommand({ Name: rule.name }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('PutEvents', () => {
  it('routes matching events to the queue as the full event JSON', async () => {
    const rule = await ruleToQueue({ source: ['shop.route'], detail: { n: [{ numeric: ['>', 1] }] } });
    const result = await events.send(new PutEventsCommand({ Entries: [entry('shop.route', { n: 1 }), entry('shop.route', { n: 2 }), entry('other', { n: 5 })] }));
    expect(result.FailedEntryCount).toBe(0);
    const [message, ...rest] = await bodies(rule.url);
    expect(rest).toEqual([]);
    const event = JSON.parse(message!.Body!);
    expect(Object.keys(event)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(event).toMatchObject({ id: result.Entries![1]!.EventId, source: 'shop.route', detail: { n: 2 }, account: '000000000000', time: '2026-11-22T10:00:00Z' });
  });

  it('answers each entry alone: a bad entry never stops the good ones', async () => {
    const result = await events.send(
      new PutEventsCommand({
        Entries: [entry('shop.ok'), { Source: 'shop.bad', DetailType: 'Thing', Detail: '[1,2]' }, { DetailType: 'Thing', Detail: '{}' }, entry('shop.ok', {}, 'no-such-bus')],
      }),
    );
    // An entry for a bus that does not exist is accepted and reaches nothing, as on AWS (test_put_events_nonexistent_event_bus).
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'MalformedDetail', 'InvalidArgument', 'ok']);
    expect(result.Entries?.[2]?.ErrorMessage).toBe('Parameter Source is not valid. Reason: Source is a required argument.');
  });

  it('refuses more than 10 entries and more than 256 KB', async () => {
    await expect(events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry('shop.many')) }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(events.send(new PutEventsCommand({ Entries: [entry('shop.big', { blob: 'x'.repeat(262_144) })] }))).rejects.toThrow('Total size of the entries in the request is over the limit.');
  });
});

describe('targets', () => {
  it('forwards to another bus (a bus-to-bus target)', async () => {
    await events.send(new CreateEventBusCommand({ Name: 'partner-bus' }));
    await events.send(new CreateEventBusCommand({ Name: 'domain-bus' }));
    await events.send(new PutRuleCommand({ Name: 'forward', EventBusName: 'partner-bus', EventPattern: '{"source":["carrier.webhooks"]}' }));
    await events.send(new PutTargetsCommand({ Rule: 'forward', EventBusName: 'partner-bus', Targets: [{ Id: 'domain', Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/domain-bus' }] }));
    const downstream = await ruleToQueue({ source: ['carrier.webhooks'] }, { bus: 'domain-bus' });
    await events.send(new PutEventsCommand({ Entries: [entry('carrier.webhooks', { delivered: true }, 'partner-bus')] }));
    expect((await bodies(downstream.url)).map((m) => JSON.parse(m.Body!).detail)).toEqual([{ delivered: true }]);
  });

  it('passes a PutEvents entry\'s TraceHeader to SQS targets and to a target DLQ as AWSTraceHeader, never in the event', async () => {
    // EventBridge user guide, "Amazon EventBridge integration with AWS X-Ray": the trace header reaches
    // the target but is not on the event; a dead-lettered event keeps it on its SQS message.
    const traceHeader = 'Root=1-6745a0e0-0123456789abcdef01234567;Sampled=1';
    const traced = await ruleToQueue({ source: ['shop.traced'] });
    const dlq = await queue();
    const gone = await ruleToQueue({ source: ['shop.traced'] }, { target: { DeadLetterConfig: { Arn: dlq.arn } } });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));

    await events.send(new PutEventsCommand({ Entries: [{ ...entry('shop.traced'), TraceHeader: traceHeader }, entry('shop.traced', { n: 2 })] }));

    const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: traced.url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['AWSTraceHeader'] }))).Messages ?? [];
    const byDetail = Object.fromEntries(received.map((m) => [JSON.stringify(JSON.parse(m.Body!).detail), m.Attributes?.AWSTraceHeader]));
    expect(byDetail).toEqual({ '{"n":1}': traceHeader, '{"n":2}': undefined });
    expect(received.every((m) => !m.Body!.includes('Root='))).toBe(true);
    const dead = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['AWSTraceHeader'] }))).Messages ?? [];
    expect(dead.map((m) => m.Attributes?.AWSTraceHeader).sort()).toEqual([traceHeader, undefined]);
  });

  it('sends to a FIFO queue with the target MessageGroupId and refuses a FIFO target without one', async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'eb-target.fifo', Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
    const arn = 'arn:aws:sqs:us-east-1:000000000000:eb-target.fifo';
    await events.send(new PutRuleCommand({ Name: 'fifo', EventPattern: '{"source":["shop.fifo"]}' }));
    await expect(events.send(new PutTargetsCommand({ Rule: 'fifo', Targets: [{ Id: 'f', Arn: arn }] }))).rejects.toThrow('Parameter(s) SqsParameters must be specified for target: f.');
    await events.send(new PutTargetsCommand({ Rule: 'fifo', Targets: [{ Id: 'f', Arn: arn, SqsParameters: { MessageGroupId: 'orders' } }] }));
    await events.send(new PutEventsCommand({ Entries: [entry('shop.fifo')] }));
    const messages = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['MessageGroupId'] }))).Messages ?? [];
    expect(messages.map((m) => m.Attributes?.MessageGroupId)).toEqual(['orders']);
  });

  it('sends an event it cannot deliver (queue gone) to the target DLQ at once, with AWS error attributes', async () => {
    const dlq = await queue();
    const rule = await ruleToQueue({ source: ['shop.gone'] }, { target: { DeadLetterConfig: { Arn: dlq.arn } } });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: rule.url }));
    const put = await events.send(new PutEventsCommand({ Entries: [entry('shop.gone')] }));
    const [dead] = await bodies(dlq.url);
    expect(JSON.parse(dead!.Body!).id).toBe(put.Entries![0]!.EventId);
    expect(Object.fromEntries(Object.entries(dead!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]))).toMatchObject({
      ERROR_CODE: 'NO_RESOURCE',
      RULE_ARN: `arn:aws:events:us-east-1:000000000000:rule/${rule.name}`,
      TARGET_ARN: rule.arn,
      RETRY_ATTEMPTS: '0',
    });
  });

  it('retries a failing delivery by its RetryPolicy, then dead-letters it, naming the exhausted condition', async () => {
    // Prepare: a target that fails every time, with two retries allowed.
    const dlq = await queue();
    const target = await queue();
    await events.send(new PutRuleCommand({ Name: 'flaky-rule', EventPattern: '{"source":["shop.flaky"]}' }));
    await events.send(
      new PutTargetsCommand({ Rule: 'flaky-rule', Targets: [{ Id: 'flaky-1', Arn: target.arn, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: dlq.arn } }] }),
    );
    flakyFailures = 100;

    // Act
    await events.send(new PutEventsCommand({ Entries: [entry('shop.flaky')] }));
    expect(env.cloud.eventBridge.deliveries.pending).toBe(1);
    clock.advance(60_000);

    // Assess
    expect(env.cloud.eventBridge.deliveries.pending).toBe(0);
    const [dead] = await bodies(dlq.url);
    expect(dead?.MessageAttributes?.['EXHAUSTED_RETRY_CONDITION']?.StringValue).toBe('MaximumRetryAttempts');
    expect(dead?.MessageAttributes?.['RETRY_ATTEMPTS']?.StringValue).toBe('2');
    expect(await bodies(target.url)).toEqual([]);
  });

  it('delivers once a transient failure clears within the retry policy', async () => {
    const target = await queue();
    await events.send(new PutRuleCommand({ Name: 'flaky-rule-2', EventPattern: '{"source":["shop.flaky2"]}' }));
    await events.send(new PutTargetsCommand({ Rule: 'flaky-rule-2', Targets: [{ Id: 'flaky-2', Arn: target.arn }] }));
    flakyFailures = 2;
    await events.send(new PutEventsCommand({ Entries: [entry('shop.flaky2')] }));
    expect(await bodies(target.url)).toEqual([]);
    clock.advance(10_000);
    expect(await bodies(target.url)).toHaveLength(1);
  });
});

describe('archives and replays', () => {
  it('archives matching events and replays a time window marked with replay-name', async () => {
    // Prepare
    await events.send(new CreateEventBusCommand({ Name: 'archived-bus' }));
    const busArn = 'arn:aws:events:us-east-1:000000000000:event-bus/archived-bus';
    const { ArchiveArn } = await events.send(new CreateArchiveCommand({ ArchiveName: 'all-shop', EventSourceArn: busArn, EventPattern: '{"source":[{"prefix":"shop."}]}' }));
    const rule = await ruleToQueue({ source: [{ prefix: 'shop.' }] }, { bus: 'archived-bus' });
    const start = clock.now();
    await events.send(new PutEventsCommand({ Entries: [entry('shop.a', { i: 1 }, 'archived-bus'), entry('other.b', { i: 2 }, 'archived-bus')] }));
    clock.advance(60_000);
    await events.send(new PutEventsCommand({ Entries: [entry('shop.c', { i: 3 }, 'archived-bus')] }));
    expect(await bodies(rule.url)).toHaveLength(2);
    expect(await events.send(new DescribeArchiveCommand({ ArchiveName: 'all-shop' }))).toMatchObject({ EventCount: 2, State: 'ENABLED' });

    // Act: replay the first minute only.
    const started = await events.send(new StartReplayCommand({ ReplayName: 'first-minute', EventSourceArn: ArchiveArn, EventStartTime: new Date(start), EventEndTime: new Date(start + 60_000), Destination: { Arn: busArn } }));
    expect(started.State).toBe('STARTING');
    clock.advance(1_000);

    // Assess
    expect(await events.send(new DescribeReplayCommand({ ReplayName: 'first-minute' }))).toMatchObject({ State: 'COMPLETED' });
    const replayed = (await bodies(rule.url)).map((m) => JSON.parse(m.Body!));
    expect(replayed.map((e) => [e.detail.i, e['replay-name']])).toEqual([[1, 'first-minute']]);
    expect(await events.send(new DescribeArchiveCommand({ ArchiveName: 'all-shop' }))).toMatchObject({ EventCount: 2 });
    await expect(
      events.send(new StartReplayCommand({ ReplayName: 'backwards', EventSourceArn: ArchiveArn, EventStartTime: new Date(start + 1000), EventEndTime: new Date(start), Destination: { Arn: busArn } })),
    ).rejects.toThrow('Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.');
  });
});
