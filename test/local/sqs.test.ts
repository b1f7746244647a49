import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../../local/clock';
import { localCloudWithClients } from '../support/local-cloud';

/** SQS semantics through the endpoint with the AWS SDK; time is a ManualClock, advanced, never waited on. */
let env: Awaited<ReturnType<typeof localCloudWithClients>>;
let clock: ManualClock;
let sqs: SQSClient;
let counter = 0;

beforeAll(async () => {
  clock = new ManualClock();
  env = await localCloudWithClients({ clock });
  sqs = env.sqs;
});
afterAll(() => env.cloud.stop());

async function queue(attributes: Record<string, string> = {}, suffix = ''): Promise<{ url: string; arn: string }> {
  const name = `q${++counter}${suffix}`;
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}
const receive = (url: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'], ...extra })).then((r) => r.Messages ?? []);
const count = async (url: string) => {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return { visible: Number(Attributes['ApproximateNumberOfMessages']), inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible']), delayed: Number(Attributes['ApproximateNumberOfMessagesDelayed']) };
};

describe('SQS visibility and receive counts', () => {
  it('hides a received message for its visibility timeout, then returns it with a higher receive count', async () => {
    // Prepare
    const { url } = await queue({ VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));

    // Act + Assess
    const [first] = await receive(url);
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await receive(url)).toEqual([]);
    expect(await count(url)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    clock.advance(29_999);
    expect(await receive(url)).toEqual([]);
    clock.advance(1);
    const [second] = await receive(url);
    expect(second?.Body).toBe('hello');
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
  });

  it('deletes with the current receipt handle, and ChangeMessageVisibility(0) returns a message at once', async () => {
    const { url } = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const [message] = await receive(url);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message!.ReceiptHandle!, VisibilityTimeout: 0 }));
    const [again] = await receive(url);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again!.ReceiptHandle! }));
    clock.advance(60_000);
    expect(await count(url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('holds a delayed message until its delay has passed', async () => {
    const { url } = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 5 }));
    expect(await count(url)).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect(await receive(url)).toEqual([]);
    clock.advance(5_000);
    expect((await receive(url)).map((m) => m.Body)).toEqual(['later']);
  });
});

describe('SQS redrive and move tasks', () => {
  it('moves a message to the DLQ once received exactly maxReceiveCount times, then moves it back', async () => {
    // Prepare
    const dlq = await queue();
    const source = await queue({ VisibilityTimeout: '10', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }) });
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison', MessageAttributes: { kind: { DataType: 'String', StringValue: 'bad' } } }));

    // Act: three receives that never delete.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const messages = await receive(source.url);
      expect(messages.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual([String(attempt)]);
      clock.advance(10_000);
    }

    // Assess: not delivered a fourth time; in the DLQ with its source.
    expect(await receive(source.url)).toEqual([]);
    expect(await count(dlq.url)).toMatchObject({ visible: 1 });
    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }))).queueUrls).toEqual([source.url]);
    const [dead] = await receive(dlq.url, { VisibilityTimeout: 0 });
    expect(dead?.Attributes?.DeadLetterQueueSourceArn).toBe(source.arn);
    expect(dead?.MessageAttributes?.['kind']?.StringValue).toBe('bad');

    // Act: a move task takes it back to its source queue.
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    await waitFor(async () => (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }))).Results?.[0]?.Status === 'COMPLETED');
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
    expect(tasks.Results?.[0]).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 1, ApproximateNumberOfMessagesToMove: 1 });
    expect((await receive(source.url)).map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['poison', '1']]);
    expect(await count(dlq.url)).toMatchObject({ visible: 0 });
  });

  it('refuses a move task from a queue that is no dead-letter queue, and a redrive to a missing DLQ', async () => {
    const plain = await queue();
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: plain.arn }))).rejects.toThrow('Source queue must be configured as a Dead Letter Queue.');
    await expect(queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:nope', maxReceiveCount: 2 }) })).rejects.toThrow(
      /Dead letter target does not exist/,
    );
  });
});

describe('SQS batches', () => {
  it('answers per entry: a bad entry fails alone', async () => {
    const { url } = await queue();
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok-1', MessageBody: 'one' },
          { Id: 'bad', MessageBody: 'two', DelaySeconds: 901 },
          { Id: 'ok-2', MessageBody: 'three', MessageAttributes: { n: { DataType: 'Number', StringValue: '42' } } },
        ],
      }),
    );
    expect(result.Successful?.map((s) => s.Id)).toEqual(['ok-1', 'ok-2']);
    expect(result.Failed).toEqual([expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'InvalidParameterValue' })]);
    const messages = await receive(url);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [...messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })), { Id: 'broken', ReceiptHandle: 'not-a-handle' }] }),
    );
    expect(deleted.Successful).toHaveLength(2);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'broken', Code: 'ReceiptHandleIsInvalid' })]);
  });

  it('rejects empty, oversized and duplicate-id batches with their error codes', async () => {
    const { url } = await queue();
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] }))).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })) }))).rejects.toMatchObject({
      name: 'TooManyEntriesInBatchRequest',
    });
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] }))).rejects.toMatchObject({
      name: 'BatchEntryIdsNotDistinct',
    });
  });
});

describe('SQS long polling', () => {
  it('returns as soon as a message arrives, without waiting out WaitTimeSeconds', async () => {
    const { url } = await queue();
    const polling = receive(url, { WaitTimeSeconds: 20 });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    expect((await polling).map((m) => m.Body)).toEqual(['wake up']);
  });

  it('serves every waiting long poll with VisibilityTimeout 0 the message that arrives, which stays visible', async () => {
    // Prepare: two long polls that leave what they receive visible.
    const { url } = await queue();
    const first = receive(url, { WaitTimeSeconds: 20, VisibilityTimeout: 0 });
    const second = receive(url, { WaitTimeSeconds: 20, VisibilityTimeout: 0 });
    await waitFor(async () => env.cloud.sqs.queueByUrl(url).waiting === 2);

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'for all' }));

    // Assess
    expect((await first).map((m) => m.Body)).toEqual(['for all']);
    expect((await second).map((m) => m.Body)).toEqual(['for all']);
    expect(await count(url)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  });

  it('returns empty when the wait ends', async () => {
    const { url } = await queue();
    const polling = receive(url, { WaitTimeSeconds: 2 });
    await waitFor(async () => env.cloud.sqs.queueByUrl(url).waiting > 0);
    clock.advance(2_000);
    expect(await polling).toEqual([]);
  });
});

describe('SQS FIFO queues', () => {
  it('keeps order within a group, locks a group while a message is in flight, and deduplicates', async () => {
    // Prepare
    const { url } = await queue({ FifoQueue: 'true', ContentBasedDeduplication: 'true' }, '.fifo');
    for (const [group, body] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['a', 'a1']] as const) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group }));
    }

    // Act + Assess: the second a1 was a duplicate within five minutes.
    expect((await count(url)).visible).toBe(3);
    const first = await receive(url, { MaxNumberOfMessages: 1 });
    expect(first.map((m) => m.Body)).toEqual(['a1']);
    // Group a is locked while a1 is in flight; b is free.
    expect((await receive(url)).map((m) => m.Body)).toEqual(['b1']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]!.ReceiptHandle! }));
    const next = await receive(url);
    expect(next.map((m) => [m.Body, m.Attributes?.MessageGroupId])).toEqual([['a2', 'a']]);
    expect(Number(next[0]!.Attributes!.SequenceNumber)).toBeGreaterThan(0);

    // After five minutes the same content is a new message.
    clock.advance(5 * 60_000 + 1);
    const again = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a1', MessageGroupId: 'a' }));
    expect(again.MessageId).toBeDefined();
  });

  it('requires a group id and a deduplication id or content-based deduplication', async () => {
    const { url } = await queue({ FifoQueue: 'true' }, '.fifo');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toThrow('The request must contain the parameter MessageGroupId.');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }))).rejects.toThrow(/ContentBasedDeduplication/);
  });
});

describe('SQS queues and errors', () => {
  it('creates idempotently, refuses different attributes, lists, finds and deletes queues', async () => {
    const { url } = await queue({ VisibilityTimeout: '45' });
    const name = url.split('/').pop()!;
    expect((await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '45' } }))).QueueUrl).toBe(url);
    await expect(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '46' } }))).rejects.toMatchObject({ name: 'QueueNameExists' });
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls).toEqual([url]);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: name }))).rejects.toMatchObject({ name: 'QueueDoesNotExist', message: 'The specified queue does not exist.' });
  });

  it('names bad attributes and bad values', async () => {
    await expect(queue({ VisibilityTimeout: '-1' })).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
    await expect(queue({ Colour: 'blue' })).rejects.toThrow('Unknown Attribute Colour.');
    await expect(sqs.send(new CreateQueueCommand({ QueueName: 'bad name!' }))).rejects.toThrow(/alphanumeric characters/);
  });

  it('verifies message and attribute digests through the SDK, and refuses an oversized body', async () => {
    const { url } = await queue({ MaximumMessageSize: '1024' });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'ü', MessageAttributes: { b: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) }, s: { DataType: 'String', StringValue: 'x' } } }));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const [message] = await receive(url);
    expect(message?.MessageAttributes?.['b']?.BinaryValue).toEqual(new Uint8Array([1, 2, 3]));
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1025) }))).rejects.toThrow('Message must be shorter than 1024 bytes.');
  });

  it('serves JSON-protocol requests sent to the queue URL itself, as SQS does (test_send_message_via_queue_url_with_json_protocol)', async () => {
    // Prepare: a client whose endpoint is the queue's URL (the PHP SDK posts there).
    const { url } = await queue();
    const direct = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await direct.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'direct' }));

    // Act
    const raw = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ReceiveMessage' }, body: JSON.stringify({ QueueUrl: url, WaitTimeSeconds: 1 }) });

    // Assess
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(((await raw.json()) as { Messages: Array<{ Body: string }> }).Messages.map((m) => m.Body)).toEqual(['direct']);
    direct.destroy();
  });

  it('answers malformed JSON, unknown operations and a missing target in AWS shape over raw HTTP', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(env.cloud.endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.0', ...headers }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as { __type: string; message: string } }));
    expect(await post({ 'X-Amz-Target': 'AmazonSQS.ListQueues' }, '{not json')).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    expect(await post({ 'X-Amz-Target': 'AmazonSQS.Explode' }, '{}')).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.sqs#UnsupportedOperation' } });
    expect(await post({}, '{}')).toMatchObject({ status: 400, body: { __type: 'MissingTarget' } });
    expect(await post({ 'X-Amz-Target': 'AmazonSQS.SendMessage' }, JSON.stringify({ QueueUrl: 42, MessageBody: 'x' }))).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.sqs#MissingRequiredParameterException' } });
    const health = await fetch(`${env.cloud.endpoint}/_local/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ services: { events: 'running', sqs: 'running' }, clock: new Date(clock.now()).toISOString(), clockAheadMs: 0 });
  });

  it('reports the cloud\'s clock in its health check, and how far it runs ahead of the wall clock', async () => {
    const ahead = Date.now() + 3_600_000 - clock.now();
    clock.advance(ahead);
    const health = (await (await fetch(`${env.cloud.endpoint}/_local/health`)).json()) as { clock: string; clockAheadMs: number };
    expect(Date.parse(health.clock)).toBe(clock.now());
    expect(health.clockAheadMs).toBeGreaterThan(3_500_000);
    expect(health.clockAheadMs).toBeLessThanOrEqual(3_600_000);
  });
});

/** Waits on a condition, checking again after the event loop has run (move tasks run between requests). */
async function waitFor(condition: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}
