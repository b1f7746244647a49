import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateArchiveCommand, DescribeArchiveCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { STATE_FILE } from '../../local/persist/state-file';

/**
 * `persist`: tables, queues with their messages and archives made through the APIs (no app) come back
 * after a restart on the same directory; `POST /_local/reset` empties them and keeps them.
 */
jest.setTimeout(60_000);

let dir: string;
let cloud: LocalCloud | undefined;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'persist-restart-'));
});
afterAll(async () => {
  await cloud?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ dynamo: DynamoDBClient; sqs: SQSClient; events: EventBridgeClient }> {
  cloud = await startLocalCloud({ port: 0, dynamodb: true, persist: dir });
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { dynamo: new DynamoDBClient(config), sqs: new SQSClient(config), events: new EventBridgeClient(config) };
}

async function stop(clients: { dynamo: DynamoDBClient; sqs: SQSClient; events: EventBridgeClient }): Promise<void> {
  for (const client of Object.values(clients)) client.destroy();
  await cloud?.stop();
  cloud = undefined;
}

const count = async (sqs: SQSClient, QueueUrl: string) => {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  return { visible: Attributes?.ApproximateNumberOfMessages, inFlight: Attributes?.ApproximateNumberOfMessagesNotVisible, delayed: Attributes?.ApproximateNumberOfMessagesDelayed, redrive: Attributes?.RedrivePolicy };
};

it('keeps tables, queued messages (in flight ones visible again, delays kept) and archives across a restart', async () => {
  // Prepare
  let clients = await start();
  await clients.dynamo.send(new CreateTableCommand({ TableName: 'Kept', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
  await clients.dynamo.send(new PutItemCommand({ TableName: 'Kept', Item: { pk: { S: 'order-1' }, status: { S: 'PLACED' } } }));
  const { QueueUrl: dlqUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'kept-dlq' }));
  const dlqArn = `arn:aws:sqs:us-east-1:000000000000:kept-dlq`;
  const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 });
  const { QueueUrl: queueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '600', RedrivePolicy: redrive } }));
  await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'taken', MessageAttributes: { kind: { DataType: 'String', StringValue: 'first' } } }));
  const taken = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }));
  expect(taken.Messages?.[0]?.Body).toBe('taken');
  await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'later', DelaySeconds: 900 }));
  await clients.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'parked' }));
  await clients.events.send(new CreateArchiveCommand({ ArchiveName: 'kept-archive', EventSourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }));
  await clients.events.send(new PutEventsCommand({ Entries: [{ Source: 'test.persist', DetailType: 'Kept', Detail: '{"n":1}' }] }));
  await stop(clients);

  // Act
  clients = await start();

  // Assess
  const item = await clients.dynamo.send(new GetItemCommand({ TableName: 'Kept', Key: { pk: { S: 'order-1' } } }));
  expect(item.Item?.['status']).toEqual({ S: 'PLACED' });
  expect(await count(clients.sqs, queueUrl!)).toEqual({ visible: '1', inFlight: '0', delayed: '1', redrive });
  const again = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  expect(again.Messages?.map((m) => [m.MessageId, m.Body, m.MessageAttributes?.['kind']?.StringValue, m.Attributes?.ApproximateReceiveCount])).toEqual([[taken.Messages?.[0]?.MessageId, 'taken', 'first', '2']]);
  const parked = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl }));
  expect(parked.Messages?.map((m) => m.Body)).toEqual(['parked']);
  expect((await clients.events.send(new DescribeArchiveCommand({ ArchiveName: 'kept-archive' }))).EventCount).toBe(1);
  await stop(clients);
});

it('empties tables, queues and archives on POST /_local/reset, keeps them, and a restart finds them empty', async () => {
  // Prepare: the state of the first test, kept in the directory.
  let clients = await start();
  const queueUrl = `${cloud!.endpoint}/000000000000/kept`;

  // Act
  const response = await fetch(`${cloud!.endpoint}/_local/reset`, { method: 'POST' });
  const answer = (await response.json()) as { settled: boolean; removed: Record<string, unknown> };

  // Assess
  expect(response.status).toBe(200);
  expect(answer.settled).toBe(true);
  expect(answer.removed).toMatchObject({ items: { Kept: 1 }, messages: { kept: 2, 'kept-dlq': 1 }, archivedEvents: 1 });
  expect((await clients.dynamo.send(new DescribeTableCommand({ TableName: 'Kept' }))).Table?.ItemCount).toBe(0);
  expect((await count(clients.sqs, queueUrl)).redrive).toContain('kept-dlq');
  expect(await count(clients.sqs, queueUrl)).toMatchObject({ visible: '0', inFlight: '0', delayed: '0' });
  expect((await clients.events.send(new DescribeArchiveCommand({ ArchiveName: 'kept-archive' }))).EventCount).toBe(0);
  await stop(clients);
  clients = await start();
  expect(await count(clients.sqs, queueUrl)).toMatchObject({ visible: '0', inFlight: '0', delayed: '0' });
  expect((await clients.dynamo.send(new GetItemCommand({ TableName: 'Kept', Key: { pk: { S: 'order-1' } } }))).Item).toBeUndefined();
  await stop(clients);
});

it('refuses to start on a state file it cannot read, saying which file', async () => {
  // Prepare
  const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'persist-broken-'));
  fs.writeFileSync(path.join(broken, STATE_FILE), '{"format":"local-cloud-state","version":1,"parts":{"sqs":{}}}');

  // Act + Assess
  await expect(startLocalCloud({ port: 0, persist: broken })).rejects.toThrow(/the saved state's "sqs" is not a JSON array/);
  // The directory is not left locked by the failed start.
  fs.writeFileSync(path.join(broken, STATE_FILE), '{"format":"local-cloud-state","version":1,"parts":{}}');
  const fine = await startLocalCloud({ port: 0, persist: broken });
  await fine.stop();
  fs.rmSync(broken, { recursive: true, force: true });
});
