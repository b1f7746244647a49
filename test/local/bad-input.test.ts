import { startLocalCloud, type LocalCloud } from '../../local/cloud';

/**
 * Wrong types and missing fields for every operation: each gets a 4xx in AWS's shape with a message,
 * never a 500, a crash or a request left hanging.
 */
let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0 });
  await call('AmazonSQS.CreateQueue', { QueueName: 'fuzz' });
  await call('AWSEvents.PutRule', { Name: 'fuzz', EventPattern: '{"source":["x"]}' });
});
afterAll(() => cloud.stop());

async function call(target: string, body: unknown) {
  const response = await fetch(cloud.endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const SQS_OPERATIONS = [
  'CreateQueue', 'GetQueueUrl', 'ListQueues', 'DeleteQueue', 'GetQueueAttributes', 'SetQueueAttributes', 'SendMessage', 'SendMessageBatch',
  'ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'PurgeQueue',
  'ListDeadLetterSourceQueues', 'StartMessageMoveTask', 'ListMessageMoveTasks', 'CancelMessageMoveTask',
];
const EVENTS_OPERATIONS = [
  'CreateEventBus', 'DeleteEventBus', 'DescribeEventBus', 'ListEventBuses', 'PutRule', 'DescribeRule', 'ListRules', 'DeleteRule', 'EnableRule',
  'DisableRule', 'PutTargets', 'RemoveTargets', 'ListTargetsByRule', 'PutEvents', 'TestEventPattern', 'CreateArchive', 'DescribeArchive',
  'ListArchives', 'DeleteArchive', 'StartReplay', 'DescribeReplay', 'UpdateArchive', 'ListReplays', 'CancelReplay', 'ListRuleNamesByTarget',
  'PutPermission', 'RemovePermission', 'TagResource', 'UntagResource', 'ListTagsForResource', 'CreateConnection', 'DescribeConnection',
  'ListConnections', 'UpdateConnection', 'DeleteConnection', 'CreateApiDestination', 'DescribeApiDestination', 'ListApiDestinations',
  'UpdateApiDestination', 'DeleteApiDestination',
];
const QUEUE = 'http://127.0.0.1/000000000000/fuzz';
/** Values of every wrong kind for every field the operations read. */
const WRONG = [42, 'text', null, [], {}, [1, 'a', null], { nested: { deep: true } }];
const FIELDS = [
  'QueueName', 'QueueUrl', 'Attributes', 'AttributeNames', 'MessageBody', 'MessageAttributes', 'Entries', 'ReceiptHandle', 'VisibilityTimeout',
  'MaxNumberOfMessages', 'WaitTimeSeconds', 'DelaySeconds', 'SourceArn', 'TaskHandle', 'MaxResults', 'Name', 'EventBusName', 'EventPattern',
  'Rule', 'Targets', 'Ids', 'Event', 'ArchiveName', 'EventSourceArn', 'ReplayName', 'EventStartTime', 'EventEndTime', 'Destination', 'Limit', 'NextToken',
  'ScheduleExpression', 'ResourceARN', 'Tags', 'TagKeys', 'StatementId', 'Principal', 'Policy', 'AuthorizationType', 'AuthParameters', 'ConnectionArn',
];

describe.each([
  ['AmazonSQS', SQS_OPERATIONS, { QueueUrl: QUEUE }],
  ['AWSEvents', EVENTS_OPERATIONS, { Name: 'fuzz', Rule: 'fuzz' }],
] as const)('%s', (prefix, operations, base) => {
  it.each(operations)('%s answers wrong types in AWS shape, never 500', async (operation) => {
    const bodies: unknown[] = [{}, [], 'plain string', ...FIELDS.flatMap((field) => WRONG.map((value) => ({ ...base, [field]: value })))];
    for (const body of bodies) {
      const { status, body: answer } = await call(`${prefix}.${operation}`, body);
      if (status !== 200) {
        expect([status, typeof answer['__type'], typeof answer['message']]).toEqual([expect.any(Number), 'string', 'string']);
        expect(status).toBeLessThan(500);
      }
    }
  });
});
