import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { LogsService } from '../../local/logs/logs-service';

// CloudWatch Logs on the local cloud: what a function prints reaches its log group as Lambda writes
// it (one stream per sandbox, START/END/REPORT), readable with the SDK as on AWS; the store is bounded.
let cloud: LocalCloud;
let logs: CloudWatchLogsClient;
let cfn: CloudFormationClient;
let assetDirectory: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodb: false });
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  logs = new CloudWatchLogsClient(config);
  cfn = new CloudFormationClient(config);
  assetDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-fn-'));
  fs.writeFileSync(
    path.join(assetDirectory, 'index.js'),
    "exports.handler = async (event, context) => { console.log(JSON.stringify({ level: event.level, order: event.order, stream: context.logStreamName, group: context.logGroupName })); console.log('plain ' + event.order); return 'ok'; };",
  );
});

afterAll(async () => {
  logs?.destroy();
  cfn?.destroy();
  await cloud?.stop();
  fs.rmSync(assetDirectory, { recursive: true, force: true });
});

const fnConfig = (functionName: string, logGroup?: string) => ({
  functionName, assetDirectory, handler: 'index.handler', runtime: 'nodejs22.x', timeoutSeconds: 5, memoryMb: 256, region: 'us-east-1', accountId: '000000000000', environment: {}, ...(logGroup === undefined ? {} : { logGroup }),
});

it("writes a function's output to /aws/lambda/<name>, one YYYY/MM/DD/[$LATEST]<hex> stream per sandbox, between Lambda's START, END and REPORT lines", async () => {
  // Prepare
  const fn = cloud.lambda.create(fnConfig('log-writer'));

  // Act: two invocations on the same (warm) sandbox.
  await cloud.lambda.invoke(fn, { level: 'ERROR', order: 'ord-1' });
  await cloud.lambda.invoke(fn, { level: 'INFO', order: 'ord-2' });

  // Assess
  const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/log-writer' }));
  expect(groups.logGroups).toEqual([expect.objectContaining({ logGroupName: '/aws/lambda/log-writer', arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/log-writer:*', storedBytes: expect.any(Number) })]);
  const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/log-writer' }));
  expect(streams.logStreams).toHaveLength(1);
  const streamName = streams.logStreams![0]!.logStreamName!;
  expect(streamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  const events = (await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/log-writer', logStreamName: streamName, startFromHead: true }))).events!.map((e) => e.message!);
  expect(events).toHaveLength(10);
  const requestId = /^START RequestId: ([0-9a-f-]{36}) Version: \$LATEST$/.exec(events[0]!)?.[1];
  expect(requestId).toBeDefined();
  // The handler sees the same group and stream as its context.
  expect(JSON.parse(events[1]!)).toEqual({ level: 'ERROR', order: 'ord-1', stream: streamName, group: '/aws/lambda/log-writer' });
  expect(events[2]).toBe('plain ord-1');
  expect(events[3]).toBe(`END RequestId: ${requestId}`);
  expect(events[4]).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: [1-9]\\d* MB\\tInit Duration: \\d+\\.\\d{2} ms\\t$`));
  // Warm: no Init Duration.
  expect(events[9]).toMatch(/^REPORT RequestId: [0-9a-f-]{36}\tDuration: [^\t]+\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\t$/);

  // FilterLogEvents with a JSON pattern and a term pattern, as `aws logs filter-log-events` sends them.
  const errors = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/log-writer', filterPattern: '{ $.level = "ERROR" }' }));
  expect(errors.events?.map((e) => [e.logStreamName, JSON.parse(e.message!).order])).toEqual([[streamName, 'ord-1']]);
  const order = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/log-writer', filterPattern: 'plain -ord-1' }));
  expect(order.events?.map((e) => e.message)).toEqual(['plain ord-2']);
  expect(new Set(order.events!.map((e) => e.eventId)).size).toBe(1);
});

it("writes to the function's LoggingConfig.LogGroup when it names one", async () => {
  const fn = cloud.lambda.create(fnConfig('custom-group-writer', '/shop/custom'));
  await cloud.lambda.invoke(fn, { level: 'INFO', order: 'ord-3' });
  const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/shop/custom', filterPattern: '"plain ord-3"' }));
  expect(found.events?.map((e) => e.message)).toEqual(['plain ord-3']);
  expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/custom-group-writer' }))).logGroups).toEqual([]);
});

it('AWS::Logs::LogGroup creates the group with its retention; deleting the stack deletes it', async () => {
  const template = { Resources: { Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/stack/group', RetentionInDays: 14 } } }, Outputs: { Arn: { Value: { 'Fn::GetAtt': ['Group', 'Arn'] } } } };
  await cfn.send(new CreateStackCommand({ StackName: 'LogsStack', TemplateBody: JSON.stringify(template) }));
  await cloud.settle(10_000);
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'LogsStack' }))).Stacks?.[0];
  expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
  expect(stack?.Outputs?.[0]?.OutputValue).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/stack/group:*');
  expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/stack/group' }))).logGroups).toEqual([expect.objectContaining({ logGroupName: '/stack/group', retentionInDays: 14 })]);

  await cfn.send(new DeleteStackCommand({ StackName: 'LogsStack' }));
  await cloud.settle(10_000);
  expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/stack/group' }))).logGroups).toEqual([]);
});

it('answers wrong types and missing fields of every operation with a 4xx in AWS shape, never a 500', async () => {
  const operations = [
    'CreateLogGroup', 'DeleteLogGroup', 'DescribeLogGroups', 'PutRetentionPolicy', 'DeleteRetentionPolicy', 'CreateLogStream', 'DeleteLogStream',
    'DescribeLogStreams', 'PutLogEvents', 'GetLogEvents', 'FilterLogEvents', 'TagLogGroup', 'UntagLogGroup', 'ListTagsLogGroup',
  ];
  const fields = [
    'logGroupName', 'logGroupIdentifier', 'logStreamName', 'logEvents', 'limit', 'nextToken', 'startTime', 'endTime', 'filterPattern', 'logStreamNames',
    'logStreamNamePrefix', 'logGroupNamePrefix', 'logGroupNamePattern', 'orderBy', 'descending', 'startFromHead', 'retentionInDays', 'tags',
  ];
  const wrong = [42, null, { nested: { deep: true } }, [1, 'a', null], '{ $.a = '];
  const base = { logGroupName: 'fuzz', logStreamName: 'fuzz' };
  await fetch(cloud.endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Logs_20140328.CreateLogGroup' }, body: JSON.stringify(base) });
  await fetch(cloud.endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Logs_20140328.CreateLogStream' }, body: JSON.stringify(base) });
  for (const operation of operations) {
    const bodies: unknown[] = [{}, [], 'plain string', ...fields.flatMap((field) => wrong.map((value) => ({ ...base, [field]: value })))];
    for (const body of bodies) {
      const response = await fetch(cloud.endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `Logs_20140328.${operation}` }, body: JSON.stringify(body) });
      const answer = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200) {
        expect([operation, response.status < 500, typeof answer['__type'], typeof answer['message']]).toEqual([operation, true, 'string', 'string']);
      }
    }
  }
});

it('AWS::Logs::LogGroup without a name takes a generated one, suffixed when a function recreated it after a delete; a given name that exists fails', async () => {
  const template = { Resources: { Logs: { Type: 'AWS::Logs::LogGroup' } }, Outputs: { Name: { Value: { Ref: 'Logs' } } } };
  const deploy = async (stackName: string, body: unknown) => {
    await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(body) }));
    await cloud.settle(10_000);
    return (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  };
  const first = await deploy('GeneratedLogs', template);
  const name = first?.Outputs?.[0]?.OutputValue ?? '';
  expect(name).toMatch(/^GeneratedLogs-Logs/);
  await cfn.send(new DeleteStackCommand({ StackName: 'GeneratedLogs' }));
  await cloud.settle(10_000);
  cloud.logs.write(name, 'late', [{ timestamp: Date.now(), message: 'a line written after the delete' }]);
  const second = await deploy('GeneratedLogs', template);
  expect(second?.StackStatus).toBe('CREATE_COMPLETE');
  expect(second?.Outputs?.[0]?.OutputValue).not.toBe(name);
  const clash = await deploy('NamedLogs', { Resources: { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: name } } } });
  expect(clash?.StackStatus).toBe('ROLLBACK_COMPLETE');
});

describe('LogsService without the endpoint', () => {
  const service = (limits?: { eventsPerStream?: number; totalBytes?: number }) => {
    let now = 1_700_000_000_000;
    const logsService = new LogsService({ region: 'us-east-1', accountId: '000000000000', now: () => now, ...(limits === undefined ? {} : { limits }) });
    return { logsService, tick: (ms: number) => (now += ms), now: () => now };
  };

  it('keeps at most eventsPerStream events per stream and totalBytes in all, dropping the oldest', async () => {
    // Each event here is 2 + 26 bytes as AWS counts them: 8 events' worth in all.
    const { logsService, now } = service({ eventsPerStream: 5, totalBytes: 28 * 8 });
    logsService.write('g', 'a', Array.from({ length: 8 }, (_, i) => ({ timestamp: now() + i, message: `a${i}` })));
    const a = await logsService.handle('GetLogEvents', { logGroupName: 'g', logStreamName: 'a', startFromHead: true });
    expect((a['events'] as Array<{ message: string }>).map((e) => e.message)).toEqual(['a3', 'a4', 'a5', 'a6', 'a7']);
    // Another stream's 8 (5 kept) make 10 events, over the bound: the oldest of all go, down to 90% of it.
    logsService.write('g', 'b', Array.from({ length: 8 }, (_, i) => ({ timestamp: now() + 100 + i, message: `b${i}` })));
    expect(logsService.store.heldBytes).toBe(28 * 7);
    const all = await logsService.handle('FilterLogEvents', { logGroupName: 'g' });
    expect((all['events'] as Array<{ message: string }>).map((e) => e.message)).toEqual(['a6', 'a7', 'b3', 'b4', 'b5', 'b6', 'b7']);
    expect((await logsService.handle('DescribeLogGroups', {}))['logGroups']).toEqual([expect.objectContaining({ storedBytes: logsService.store.heldBytes })]);
  });

  it('GetLogEvents without startFromHead reads the newest page; backward tokens page toward the oldest and come back unchanged at the start', async () => {
    const { logsService, now } = service();
    logsService.write('g', 's', Array.from({ length: 5 }, (_, i) => ({ timestamp: now() + i, message: `m${i}` })));
    const read = async (input: Record<string, unknown>) => {
      const answer = await logsService.handle('GetLogEvents', { logGroupName: 'g', logStreamName: 's', limit: 2, ...input });
      return { messages: (answer['events'] as Array<{ message: string }>).map((e) => e.message), forward: answer['nextForwardToken'] as string, backward: answer['nextBackwardToken'] as string };
    };
    const newest = await read({});
    expect(newest.messages).toEqual(['m3', 'm4']);
    const older = await read({ nextToken: newest.backward });
    expect(older.messages).toEqual(['m1', 'm2']);
    const oldest = await read({ nextToken: older.backward });
    expect(oldest.messages).toEqual(['m0']);
    const none = await read({ nextToken: oldest.backward });
    expect(none).toMatchObject({ messages: [], backward: oldest.backward });
    // Forward from the newest page: nothing yet, then what is written later (how `tail`-like readers poll).
    const end = await read({ nextToken: newest.forward });
    expect(end).toMatchObject({ messages: [], forward: newest.forward });
    logsService.write('g', 's', [{ timestamp: now() + 10, message: 'later' }]);
    expect((await read({ nextToken: newest.forward })).messages).toEqual(['later']);
  });

  it('DescribeLogStreams orders by LastEventTime, descending, in pages', async () => {
    const { logsService, now } = service();
    logsService.write('g', 'old', [{ timestamp: now() - 3000, message: 'x' }]);
    logsService.write('g', 'new', [{ timestamp: now() - 1000, message: 'x' }]);
    logsService.write('g', 'mid', [{ timestamp: now() - 2000, message: 'x' }]);
    const first = await logsService.handle('DescribeLogStreams', { logGroupName: 'g', orderBy: 'LastEventTime', descending: true, limit: 2 });
    expect((first['logStreams'] as Array<{ logStreamName: string }>).map((s) => s.logStreamName)).toEqual(['new', 'mid']);
    const second = await logsService.handle('DescribeLogStreams', { logGroupName: 'g', orderBy: 'LastEventTime', descending: true, limit: 2, nextToken: first['nextToken'] });
    expect(second).toEqual({ logStreams: [expect.objectContaining({ logStreamName: 'old', firstEventTimestamp: now() - 3000, lastEventTimestamp: now() - 3000, lastIngestionTime: now() })] });
    await expect(logsService.handle('DescribeLogStreams', { logGroupName: 'g', orderBy: 'LastEventTime', logStreamNamePrefix: 'o' })).rejects.toThrow('Cannot order by LastEventTime with a logStreamNamePrefix.');
  });

  it('retention hides events older than the group keeps; PutRetentionPolicy refuses a period AWS does not offer', async () => {
    const { logsService, now, tick } = service();
    logsService.write('g', 's', [{ timestamp: now(), message: 'old' }]);
    await logsService.handle('PutRetentionPolicy', { logGroupName: 'g', retentionInDays: 1 });
    tick(2 * 86_400_000);
    logsService.write('g', 's', [{ timestamp: now(), message: 'new' }]);
    const found = await logsService.handle('FilterLogEvents', { logGroupName: 'g' });
    expect((found['events'] as Array<{ message: string }>).map((e) => e.message)).toEqual(['new']);
    await expect(logsService.handle('PutRetentionPolicy', { logGroupName: 'g', retentionInDays: 2 })).rejects.toThrow(/Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \[1, 3, 5/);
  });

  it('tells subscribers of every event stored, from sandboxes and PutLogEvents, until they unsubscribe', async () => {
    const { logsService, now } = service();
    const seen: string[] = [];
    const stop = logsService.subscribe((event) => seen.push(`${event.logGroupName}/${event.logStreamName}: ${event.message}`));
    logsService.write('g', 's', [{ timestamp: now(), message: 'from a sandbox' }]);
    await logsService.handle('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now(), message: 'put' }] });
    stop();
    logsService.write('g', 's', [{ timestamp: now(), message: 'after' }]);
    expect(seen).toEqual(['g/s: from a sandbox', 'g/s: put']);
  });

  it('an unknown operation is UnknownOperationException naming it', async () => {
    await expect(service().logsService.handle('StartQuery', {})).rejects.toMatchObject({ type: 'UnknownOperationException', message: expect.stringContaining('StartQuery') });
  });
});
