import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemblyAssets } from '../../local/cloudformation/assets';
import type { LocalStackEngine } from '../../local/cloudformation/engine';
import type { ParameterStore } from '../../local/cloudformation/provider';
import type { StackEvent, StackRecord } from '../../local/cloudformation/stack-engine';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { stackEngineOn } from '../support/stack-engine';

/**
 * The stack engine on a running local cloud's services: create, update (in place, replacement,
 * removal), delete order, rollbacks with CloudFormation's events and reasons, exports and imports,
 * SSM-typed parameters and the CDK's bootstrap version rule, DeletionPolicy Retain.
 */

/** Two versions of a handler that answers which version it is (no SDK: runs unbundled). */
function writeAssets(): { dir: string; assets: Map<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-assets-'));
  const assets = new Map<string, string>();
  for (const version of ['v1', 'v2']) {
    fs.mkdirSync(path.join(dir, version));
    fs.writeFileSync(path.join(dir, version, 'index.js'), `exports.handler = async () => ({ version: '${version}' });\n`);
    assets.set(`${version}.zip`, path.join(dir, version));
  }
  return { dir, assets };
}

class MemoryParameters implements ParameterStore {
  readonly values = new Map<string, string>();
  get(name: string) {
    const value = this.values.get(name);
    return value === undefined ? undefined : { value, type: 'String', version: 1 };
  }
  put(input: { name: string; value: string }) {
    this.values.set(input.name, input.value);
  }
  delete(name: string) {
    this.values.delete(name);
  }
}

const body = (template: object) => JSON.stringify(template);
const lines = (events: readonly StackEvent[]) => events.map((e) => `${e.logicalResourceId} ${e.resourceStatus}${e.resourceStatusReason ? ` ${e.resourceStatusReason}` : ''}`);

describe('the CloudFormation stack engine', () => {
  let cloud: LocalCloud;
  let engine: LocalStackEngine;
  let ssm: MemoryParameters;
  let assetDir: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, dynamodb: false });
    const { dir, assets } = writeAssets();
    assetDir = dir;
    ssm = new MemoryParameters();
    engine = stackEngineOn(cloud, { assets: assemblyAssets(assets), ssm });
  });
  afterAll(async () => {
    await cloud.stop();
    fs.rmSync(assetDir, { recursive: true, force: true });
  });

  /** Applies and waits for the operation to end. */
  async function apply(stackName: string, template: object, parameters: Record<string, string> = {}): Promise<StackRecord> {
    const started = await engine.apply({ stackName, templateBody: body(template), parameters });
    expect(started.status).toMatch(/_IN_PROGRESS$/);
    await engine.idle();
    return engine.get(started.stackId)!;
  }
  async function remove(stackName: string): Promise<StackRecord> {
    const started = await engine.delete(stackName);
    await engine.idle();
    return engine.get(started.stackId)!;
  }
  const physicalId = (stack: StackRecord, id: string) => stack.resources.find((r) => r.logicalResourceId === id)?.physicalResourceId;

  const fn = (code: string, extra: object = {}) => ({ Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: 'assets', S3Key: code }, Handler: 'index.handler', Runtime: 'nodejs22.x', Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, ...extra } });
  const pipeline = (code: string) => ({
    Resources: {
      Work: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
      Handler: fn(code),
      Consume: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { Ref: 'Handler' }, EventSourceArn: { 'Fn::GetAtt': ['Work', 'Arn'] }, Enabled: false } },
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    },
    Outputs: { WorkUrl: { Value: { Ref: 'Work' } }, HandlerArn: { Value: { 'Fn::GetAtt': ['Handler', 'Arn'] } } },
  });

  it('creates a stack in dependency order, with CloudFormation events and outputs', async () => {
    const stack = await apply('Create', pipeline('v1.zip'));
    expect(stack.status).toBe('CREATE_COMPLETE');
    expect(stack.outputs).toEqual([
      { outputKey: 'WorkUrl', outputValue: `${cloud.endpoint}/000000000000/Create-Work` },
      { outputKey: 'HandlerArn', outputValue: 'arn:aws:lambda:us-east-1:000000000000:function:Create-Handler' },
    ]);
    const events = lines(stack.events);
    expect(events[0]).toBe('Create CREATE_IN_PROGRESS User Initiated');
    expect(events.at(-1)).toBe('Create CREATE_COMPLETE');
    expect(events).toContain('Work CREATE_IN_PROGRESS Resource creation Initiated');
    // The mapping needs both the queue and the function.
    const completed = events.filter((e) => e.endsWith(' CREATE_COMPLETE')).map((e) => e.split(' ')[0]);
    expect(completed.indexOf('Consume')).toBeGreaterThan(completed.indexOf('Work'));
    expect(completed.indexOf('Consume')).toBeGreaterThan(completed.indexOf('Handler'));
    expect(stack.resources.every((r) => r.resourceStatus === 'CREATE_COMPLETE')).toBe(true);
    expect((await cloud.lambda.invoke(cloud.lambda.find('Create-Handler')!, {})).result).toEqual({ version: 'v1' });
  });

  it('updates only what changed: new code runs, queued messages and the mapping stay', async () => {
    const before = engine.get('Create')!;
    const queue = cloud.sqs.queueByName('Create-Work');
    for (let i = 0; i < 3; i++) queue.send({ body: `m${i}` });
    const after = await apply('Create', pipeline('v2.zip'));
    expect(after.status).toBe('UPDATE_COMPLETE');
    const touched = after.events.slice(before.events.length).filter((e) => e.resourceType !== 'AWS::CloudFormation::Stack');
    expect(lines(touched)).toEqual(['Handler UPDATE_IN_PROGRESS', 'Handler UPDATE_COMPLETE']);
    expect(cloud.sqs.queueByName('Create-Work')).toBe(queue);
    expect(queue.approximate.ready).toBe(3);
    expect(physicalId(after, 'Consume')).toBe(physicalId(before, 'Consume'));
    expect((await cloud.lambda.invoke(cloud.lambda.find('Create-Handler')!, {})).result).toEqual({ version: 'v2' });
  });

  it('refuses an update that changes nothing', async () => {
    await expect(engine.apply({ stackName: 'Create', templateBody: body(pipeline('v2.zip')), parameters: {} })).rejects.toMatchObject({ name: 'ValidationError', message: 'No updates are to be performed.' });
  });

  it('replaces a queue whose FIFO-ness changes: the new one first, the old one deleted in cleanup', async () => {
    const template = pipeline('v2.zip');
    const fifo = { ...template, Resources: { ...template.Resources, Work: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30, FifoQueue: true } } } };
    const before = engine.get('Create')!;
    const after = await apply('Create', fifo);
    expect(after.status).toBe('UPDATE_COMPLETE');
    const newUrl = physicalId(after, 'Work')!;
    expect(newUrl).toMatch(/Create-Work-[0-9a-f]{8}\.fifo$/);
    const oldUrl = physicalId(before, 'Work')!;
    const events = lines(after.events.slice(before.events.length));
    expect(events).toContain('Work UPDATE_IN_PROGRESS Requested update requires the creation of a new physical resource; hence creating one.');
    // The mapping follows the new queue (its source is replaced too), and the old queue goes last.
    expect(events.indexOf('Create UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBeLessThan(events.indexOf('Work DELETE_COMPLETE'));
    const deleted = after.events.filter((e) => e.resourceStatus === 'DELETE_COMPLETE').map((e) => e.physicalResourceId);
    expect(deleted).toContain(oldUrl);
    expect(cloud.sqs.allQueues().map((q) => q.url)).toContain(newUrl);
    expect(cloud.sqs.allQueues().map((q) => q.url)).not.toContain(oldUrl);
    expect(after.outputs.find((o) => o.outputKey === 'WorkUrl')?.outputValue).toBe(newUrl);
  });

  it('stops routing once a rule is removed', async () => {
    const withRule = {
      Resources: {
        Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'routing-bus' } },
        Sink: { Type: 'AWS::SQS::Queue' },
        Route: { Type: 'AWS::Events::Rule', Properties: { EventBusName: { Ref: 'Bus' }, EventPattern: { source: ['shop'] }, Targets: [{ Id: 'sink', Arn: { 'Fn::GetAtt': ['Sink', 'Arn'] } }] } },
      },
    };
    expect((await apply('Routing', withRule)).status).toBe('CREATE_COMPLETE');
    const sink = cloud.sqs.queueByName('Routing-Sink');
    const put = () => cloud.eventBridge.handle('PutEvents', { Entries: [{ Source: 'shop', DetailType: 't', Detail: '{}', EventBusName: 'routing-bus' }] });
    await put();
    expect((await cloud.settle(10_000)).settled).toBe(true);
    expect(sink.approximate.ready).toBe(1);
    const { Route: _removed, ...rest } = withRule.Resources;
    const after = await apply('Routing', { Resources: rest });
    expect(after.status).toBe('UPDATE_COMPLETE');
    expect(lines(after.events).slice(-3)).toEqual(['Route DELETE_IN_PROGRESS', 'Route DELETE_COMPLETE', 'Routing UPDATE_COMPLETE']);
    expect((await cloud.eventBridge.handle('ListRules', { EventBusName: 'routing-bus' }))['Rules']).toEqual([]);
    await put();
    expect((await cloud.settle(10_000)).settled).toBe(true);
    expect(sink.approximate.ready).toBe(1);
  });

  it('deletes in reverse dependency order and keeps the deleted stack describable by id', async () => {
    const deleted = await remove('Create');
    expect(deleted.status).toBe('DELETE_COMPLETE');
    const order = deleted.events.filter((e) => e.resourceStatus === 'DELETE_COMPLETE' && e.resourceType !== 'AWS::CloudFormation::Stack').map((e) => e.logicalResourceId);
    const last = order.slice(order.lastIndexOf('Consume'));
    expect(last.indexOf('Consume')).toBeLessThan(last.indexOf('Handler'));
    expect(last.indexOf('Consume')).toBeLessThan(last.indexOf('Work'));
    expect(engine.get('Create')).toBeUndefined();
    expect(engine.get(deleted.stackId)?.status).toBe('DELETE_COMPLETE');
    expect(cloud.lambda.find('Create-Handler')).toBeUndefined();
    expect(cloud.sqs.allQueues().some((q) => q.name.startsWith('Create-'))).toBe(false);
  });

  it('rolls a failed create back: the resource and the reason in CloudFormation words, what was created deleted', async () => {
    const stack = await apply('Broken', {
      Resources: {
        Fine: { Type: 'AWS::SQS::Queue' },
        Bad: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 99_999 }, DependsOn: 'Fine' },
      },
    });
    expect(stack.status).toBe('ROLLBACK_COMPLETE');
    const failed = stack.events.find((e) => e.resourceStatus === 'CREATE_FAILED')!;
    expect(failed.logicalResourceId).toBe('Bad');
    expect(failed.resourceStatusReason).toMatch(/^Resource handler returned message: ".*VisibilityTimeout.*"$/);
    expect(stack.events.find((e) => e.resourceStatus === 'ROLLBACK_IN_PROGRESS')?.resourceStatusReason).toBe('The following resource(s) failed to create: [Bad]. Rollback requested by user.');
    expect(lines(stack.events).slice(-3)).toEqual(['Fine DELETE_IN_PROGRESS', 'Fine DELETE_COMPLETE', 'Broken ROLLBACK_COMPLETE']);
    expect(cloud.sqs.allQueues().some((q) => q.name.startsWith('Broken-'))).toBe(false);
    await expect(engine.apply({ stackName: 'Broken', templateBody: body({ Resources: { Fine: { Type: 'AWS::SQS::Queue' } } }), parameters: {} })).rejects.toThrow(/is in ROLLBACK_COMPLETE state and can not be updated\.$/);
    expect((await remove('Broken')).status).toBe('DELETE_COMPLETE');
  });

  it('rolls a failed update back to the previous template: updated resources restored, new ones deleted', async () => {
    const first = { Resources: { Kept: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 10 } } } };
    expect((await apply('Rollback', first)).status).toBe('CREATE_COMPLETE');
    const queue = cloud.sqs.queueByName('Rollback-Kept');
    const broken = {
      Resources: {
        Kept: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 20 } },
        Added: { Type: 'AWS::SQS::Queue', DependsOn: 'Kept' },
        Bad: { Type: 'AWS::SQS::Queue', Properties: { DelaySeconds: 5000 }, DependsOn: 'Added' },
      },
    };
    const stack = await apply('Rollback', broken);
    expect(stack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stack.events.find((e) => e.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS')?.resourceStatusReason).toBe('The following resource(s) failed to create: [Bad]. ');
    expect(queue.allAttributes()['VisibilityTimeout']).toBe('10');
    expect(cloud.sqs.allQueues().some((q) => q.name === 'Rollback-Added')).toBe(false);
    expect(stack.resources.map((r) => r.logicalResourceId)).toEqual(['Kept']);
    expect(JSON.parse(stack.templateBody)).toEqual(first);
    const statuses = lines(stack.events).filter((e) => e.startsWith('Rollback '));
    expect(statuses.slice(-4)).toEqual(['Rollback UPDATE_IN_PROGRESS User Initiated', 'Rollback UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Bad]. ', 'Rollback UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'Rollback UPDATE_ROLLBACK_COMPLETE']);
    // An in-place update that fails: the resource is back to UPDATE_COMPLETE with its old attributes.
    const badUpdate = await apply('Rollback', { Resources: { Kept: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 99_999 } } } });
    expect(badUpdate.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(badUpdate.events.find((e) => e.resourceStatus === 'UPDATE_FAILED')?.resourceStatusReason).toMatch(/^Resource handler returned message: ".*VisibilityTimeout/);
    expect(badUpdate.resources).toEqual([expect.objectContaining({ logicalResourceId: 'Kept', resourceStatus: 'UPDATE_COMPLETE' })]);
    expect(queue.allAttributes()['VisibilityTimeout']).toBe('10');
    expect((await remove('Rollback')).status).toBe('DELETE_COMPLETE');
  });

  it('resolves imports from other stacks and refuses to delete an export in use', async () => {
    const producer = { Resources: { Shared: { Type: 'AWS::SQS::Queue' } }, Outputs: { Arn: { Value: { 'Fn::GetAtt': ['Shared', 'Arn'] }, Export: { Name: 'shared-queue-arn' } } } };
    const consumer = { Resources: { Dlq: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::ImportValue': 'shared-queue-arn' }, maxReceiveCount: 3 } } } } };
    expect((await apply('Producer', producer)).status).toBe('CREATE_COMPLETE');
    expect(engine.exports()).toEqual([{ name: 'shared-queue-arn', value: 'arn:aws:sqs:us-east-1:000000000000:Producer-Shared', exportingStackId: engine.get('Producer')!.stackId }]);
    expect((await apply('Consumer', consumer)).status).toBe('CREATE_COMPLETE');
    expect(JSON.parse(cloud.sqs.queueByName('Consumer-Dlq').allAttributes()['RedrivePolicy']!)).toMatchObject({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:Producer-Shared' });

    const changed = { ...producer, Outputs: { Arn: { Value: 'another', Export: { Name: 'shared-queue-arn' } } } };
    const updateRefused = await apply('Producer', changed);
    expect(updateRefused.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(updateRefused.events.find((e) => e.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS')?.resourceStatusReason).toBe('Cannot update export shared-queue-arn as it is in use by Consumer.');
    expect(engine.exports()[0]?.value).toBe('arn:aws:sqs:us-east-1:000000000000:Producer-Shared');
    const removedRefused = await apply('Producer', { Resources: producer.Resources });
    expect(removedRefused.events.filter((e) => e.resourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS').at(-1)?.resourceStatusReason).toBe('Delete canceled. Cannot delete export shared-queue-arn as it is in use by Consumer.');

    const refused = await remove('Producer');
    expect(refused.status).toBe('DELETE_FAILED');
    expect(refused.statusReason).toBe('Export shared-queue-arn cannot be deleted as it is in use by Consumer');
    expect(cloud.sqs.allQueues().some((q) => q.name === 'Producer-Shared')).toBe(true);

    expect((await remove('Consumer')).status).toBe('DELETE_COMPLETE');
    expect((await remove('Producer')).status).toBe('DELETE_COMPLETE');
    expect(engine.exports()).toEqual([]);
  });

  it('records an alarm topic and its subscription (nothing is sent): Ref and TopicName give what CloudFormation gives', async () => {
    const stack = await apply('Alarms', {
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'alarms' } },
        Mail: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: 'Topic' } } },
        Named: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'ops-alarms' } },
      },
      Outputs: { Arn: { Value: { Ref: 'Topic' } }, Name: { Value: { 'Fn::GetAtt': ['Topic', 'TopicName'] } }, Mail: { Value: { Ref: 'Mail' } }, Named: { Value: { 'Fn::GetAtt': ['Named', 'TopicArn'] } } },
    });
    expect(stack.status).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries(stack.outputs.map((o) => [o.outputKey, o.outputValue]));
    expect(outputs['Arn']).toMatch(/^arn:aws:sns:us-east-1:000000000000:Alarms-Topic/);
    expect(outputs['Arn']).toBe(`arn:aws:sns:us-east-1:000000000000:${outputs['Name']}`);
    expect(outputs['Mail']).toMatch(new RegExp(`^${outputs['Arn']}:.+`));
    expect(outputs['Named']).toBe('arn:aws:sns:us-east-1:000000000000:ops-alarms');
    expect((await remove('Alarms')).status).toBe('DELETE_COMPLETE');
  });

  it('fails a resource importing an export no stack has, naming it', async () => {
    const stack = await apply('Orphan', { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::ImportValue': 'nobody' } } } } });
    expect(stack.status).toBe('ROLLBACK_COMPLETE');
    expect(stack.events.find((e) => e.resourceStatus === 'CREATE_FAILED')?.resourceStatusReason).toContain('No export named nobody found');
    await remove('Orphan');
  });

  describe('parameters and rules', () => {
    const bootstrapped = {
      Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' }, Size: { Type: 'Number', Default: 30 } },
      Rules: {
        CheckBootstrapVersion: {
          Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1', '2', '3', '4', '5'], { Ref: 'BootstrapVersion' }] }] }, AssertDescription: "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI." }],
        },
      },
      Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: { Ref: 'Size' }, Tags: [{ Key: 'version', Value: '{{resolve:ssm:/cdk-bootstrap/hnb659fds/version}}' }] } } },
    };
    const input = (parameters: Record<string, string> = {}) => ({ stackName: 'Params', templateBody: body(bootstrapped), parameters });

    it('refuses an SSM-typed parameter missing from the parameter store', async () => {
      await expect(engine.apply(input())).rejects.toMatchObject({ name: 'ValidationError', message: 'Unable to fetch parameters [/cdk-bootstrap/hnb659fds/version] from parameter store for this account.' });
    });

    it("fails the CDK's CheckBootstrapVersion rule with its message", async () => {
      ssm.put({ name: '/cdk-bootstrap/hnb659fds/version', value: '5' });
      await expect(engine.plan(input())).rejects.toMatchObject({ name: 'ValidationError', message: "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI." });
      await expect(engine.apply(input())).rejects.toMatchObject({ name: 'ValidationError' });
      expect(engine.get('Params')).toBeUndefined();
    });

    it('deploys once the rule holds, with defaults, given values and {{resolve:ssm:...}}', async () => {
      ssm.put({ name: '/cdk-bootstrap/hnb659fds/version', value: '27' });
      const stack = await apply('Params', bootstrapped, { Size: '45' });
      expect(stack.status).toBe('CREATE_COMPLETE');
      expect(stack.parameters).toEqual([
        { key: 'BootstrapVersion', value: '/cdk-bootstrap/hnb659fds/version', resolvedValue: '27' },
        { key: 'Size', value: '45' },
      ]);
      const queue = cloud.sqs.queueByName('Params-Q');
      expect(queue.allAttributes()['VisibilityTimeout']).toBe('45');
      expect((await cloud.sqs.handle('ListQueueTags', { QueueUrl: queue.url }))['Tags']).toEqual({ version: '27' });
      await expect(engine.apply(input({ Nope: '1' }))).rejects.toMatchObject({ message: 'Parameters: [Nope] do not exist in the template' });
      await remove('Params');
    });
  });

  it('deploys a stack again right after deleting it: a generated queue name SQS still holds moves on', async () => {
    const template = { Resources: { Again: { Type: 'AWS::SQS::Queue' } } };
    expect(physicalId(await apply('Redo', template), 'Again')).toMatch(/\/Redo-Again$/);
    await remove('Redo');
    const again = await apply('Redo', template);
    expect(again.status).toBe('CREATE_COMPLETE');
    expect(physicalId(again, 'Again')).toMatch(/\/Redo-Again-[0-9a-f]{8}$/);
    await remove('Redo');
  });

  it('keeps a resource with DeletionPolicy Retain', async () => {
    expect((await apply('Keep', { Resources: { Kept: { Type: 'AWS::SQS::Queue', DeletionPolicy: 'Retain' }, Gone: { Type: 'AWS::SQS::Queue' } } })).status).toBe('CREATE_COMPLETE');
    const deleted = await remove('Keep');
    expect(lines(deleted.events)).toContain('Kept DELETE_SKIPPED');
    expect(cloud.sqs.allQueues().map((q) => q.name)).toContain('Keep-Kept');
    expect(cloud.sqs.allQueues().map((q) => q.name)).not.toContain('Keep-Gone');
  });

  it('refuses templates CloudFormation refuses, before creating anything', async () => {
    await expect(engine.apply({ stackName: 'Bad', templateBody: '{"Resources": {', parameters: {} })).rejects.toThrow(/^Template format error: JSON not well-formed/);
    await expect(engine.apply({ stackName: 'Bad', templateBody: body({ Resources: {} }), parameters: {} })).rejects.toThrow('Template format error: At least one Resources member must be defined.');
    await expect(engine.apply({ stackName: 'Bad', templateBody: body({ Resources: { A: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'Missing' } } } } }), parameters: {} })).rejects.toThrow(
      'Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    );
    await expect(engine.apply({ stackName: 'Bad', templateBody: body({ Parameters: { P: { Type: 'String' } }, Resources: { A: { Type: 'AWS::SQS::Queue' } } }), parameters: {} })).rejects.toThrow('Parameters: [P] must have values');
    await expect(engine.apply({ stackName: 'Bad', templateBody: body({ Resources: { A: { Type: 'AWS::SQS::Queue', DependsOn: 'B' }, B: { Type: 'AWS::SQS::Queue', DependsOn: 'A' } } }), parameters: {} })).rejects.toThrow('Circular dependency between resources: [A, B]');
    await expect(engine.apply({ stackName: 'Bad', templateBody: body({ Resources: { A: { Type: 'AWS::SQS::Queue', Condition: 'Nowhere' } } }), parameters: {} })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('Nowhere') });
    expect(engine.get('Bad')).toBeUndefined();
  });

  it('refuses resources the resource specification refuses, before creating anything', async () => {
    const stack = await apply('Misspelt', {
      Resources: {
        First: { Type: 'AWS::SQS::Queue' },
        Typo: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeOut: 30 }, DependsOn: 'First' },
        NoCode: { Type: 'AWS::Lambda::Function', Properties: { Role: 'arn:aws:iam::000000000000:role/r' } },
      },
    });
    expect(stack.status).toBe('ROLLBACK_COMPLETE');
    expect(stack.statusReason).toBeUndefined();
    const failed = stack.events.filter((e) => e.resourceStatus === 'CREATE_FAILED');
    expect(failed.map((e) => e.logicalResourceId)).toEqual(['Typo', 'NoCode']);
    expect(failed[0]!.resourceStatusReason).toMatch(/^Properties validation failed for resource Typo with message: .*VisibilityTimeOut/);
    expect(stack.events.find((e) => e.resourceStatus === 'ROLLBACK_IN_PROGRESS')?.resourceStatusReason).toBe('The following resource(s) failed to create: [Typo, NoCode]. Rollback requested by user.');
    expect(stack.events.some((e) => e.resourceStatus === 'CREATE_COMPLETE')).toBe(false);
    expect(cloud.sqs.allQueues().some((q) => q.name.startsWith('Misspelt-'))).toBe(false);
    await remove('Misspelt');
    await expect(engine.apply({ stackName: 'Unknown', templateBody: body({ Resources: { A: { Type: 'AWS::Nope::Thing' } } }), parameters: {} })).rejects.toThrow('Template format error: Unrecognized resource types: [AWS::Nope::Thing]');
  });

  it('reads YAML templates with short-form intrinsics', async () => {
    const yaml = ['Mappings:', '  Sizes:', '  ' + '  small: { Timeout: 7 }', 'Resources:', '  Q:', '    Type: AWS::SQS::Queue', '    Properties:', '      VisibilityTimeout: !FindInMap [Sizes, small, Timeout]', 'Outputs:', '  Arn:', '    Value: !GetAtt Q.Arn', '  Name:', '    Value: !Sub "${Q.QueueName}-x"'].join('\n');
    await engine.apply({ stackName: 'Yaml', templateBody: yaml, parameters: {} });
    await engine.idle();
    expect(engine.get('Yaml')?.outputs).toEqual([
      { outputKey: 'Arn', outputValue: 'arn:aws:sqs:us-east-1:000000000000:Yaml-Q' },
      { outputKey: 'Name', outputValue: 'Yaml-Q-x' },
    ]);
    expect(cloud.sqs.queueByName('Yaml-Q').allAttributes()['VisibilityTimeout']).toBe('7');
    await remove('Yaml');
  });

  it('plans a change set: adds, in-place modifications, replacements and removals', async () => {
    await apply('Plan', { Resources: { A: { Type: 'AWS::SQS::Queue' }, B: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 1 } }, C: { Type: 'AWS::SQS::Queue' } } });
    const changes = await engine.plan({ stackName: 'Plan', templateBody: body({ Resources: { A: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } }, B: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 2 } }, D: { Type: 'AWS::SQS::Queue' } } }), parameters: {} });
    expect(changes.map((c) => `${c.action} ${c.logicalResourceId} ${c.replacement ?? '-'}`)).toEqual(['Modify A True', 'Modify B False', 'Add D -', 'Remove C -']);
    await remove('Plan');
  });
});
