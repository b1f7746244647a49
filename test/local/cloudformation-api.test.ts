import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListExportsCommand,
  ListImportsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { CloudFormationApi } from '../../local/cloudformation/api/cloudformation-api';
import { templateUrlReader } from '../../local/cloudformation/api/template-url';
import { Gateway } from '../../local/gateway/server';
import { stackEngineOn } from '../support/stack-engine';

// The API over the real engine and services, on a gateway of its own (the cloud's wiring is tested
// in cloudformation-api-cloud.test.ts); the SDK v3 client is what the CDK CLI uses.
let cloud: LocalCloud;
let api: CloudFormationApi;
let gateway: Gateway;
let cfn: CloudFormationClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodb: false });
  const engine = stackEngineOn(cloud, {
    ssm: cloud.ssm.parameters,
    assets: async () => {
      throw new Error('no function code in these tests');
    },
  });
  api = new CloudFormationApi({ engine, clock: cloud.clock, region: cloud.region, accountId: cloud.accountId, readTemplateUrl: templateUrlReader(cloud.s3) });
  gateway = new Gateway({ host: '127.0.0.1', port: 0, services: [], query: [api] });
  const endpoint = await gateway.listen();
  cfn = new CloudFormationClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  cfn?.destroy();
  await gateway?.close();
  await cloud?.stop();
});

const queueTemplate = (queues: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    Parameters: { Retention: { Type: 'Number', Default: '345600' }, Stage: { Type: 'String' } },
    Resources: Object.fromEntries(queues.map((q) => [q, { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: { Ref: 'Retention' } } }])),
    Outputs: { FirstQueueUrl: { Value: { Ref: queues[0] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-first' } } } },
    ...extra,
  });

/** Sends and expects a refusal: its SDK name and message. */
async function refusal(send: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await send;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, ...(e.$metadata?.httpStatusCode === undefined ? {} : { status: e.$metadata.httpStatusCode }) };
  }
  throw new Error('expected the call to be refused');
}

describe('change sets, as the CDK CLI deploys', () => {
  it('creates a stack through a CREATE change set: review, plan, execute, events newest first', async () => {
    // Prepare
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'Orders',
        ChangeSetName: 'cdk-deploy-change-set',
        ChangeSetType: 'CREATE',
        TemplateBody: queueTemplate(['Inbox']),
        Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'dev' }],
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
        Tags: [{ Key: 'team', Value: 'shop' }],
      }),
    );
    const review = await cfn.send(new DescribeStacksCommand({ StackName: 'Orders' }));
    expect(review.Stacks?.[0]).toMatchObject({ StackId: created.StackId, StackStatus: 'REVIEW_IN_PROGRESS', StackStatusReason: 'User Initiated' });
    await api.idle();

    // Act
    const described = await cfn.send(new DescribeChangeSetCommand({ StackName: created.StackId, ChangeSetName: created.Id }));
    await cfn.send(new ExecuteChangeSetCommand({ StackName: created.StackId, ChangeSetName: created.Id }));
    await api.idle();

    // Assess
    expect(described).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', ChangeSetName: 'cdk-deploy-change-set', StackName: 'Orders' });
    expect(described.Changes).toEqual([{ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'Inbox', ResourceType: 'AWS::SQS::Queue', Scope: [], Details: [] } }]);
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: created.StackId }))).Stacks?.[0];
    expect(stack).toMatchObject({ StackName: 'Orders', StackStatus: 'CREATE_COMPLETE', ChangeSetId: created.Id, Tags: [{ Key: 'team', Value: 'shop' }] });
    expect(stack?.Parameters).toEqual(expect.arrayContaining([{ ParameterKey: 'Stage', ParameterValue: 'dev' }, { ParameterKey: 'Retention', ParameterValue: '345600' }]));
    expect(stack?.Outputs?.[0]).toMatchObject({ OutputKey: 'FirstQueueUrl', ExportName: 'Orders-first' });
    expect(stack?.Outputs?.[0]?.OutputValue).toMatch(/Inbox|Orders/);
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: created.StackId }))).StackEvents ?? [];
    expect(events[0]).toMatchObject({ LogicalResourceId: 'Orders', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'CREATE_COMPLETE' });
    expect(events[0]?.PhysicalResourceId).toBe(events[0]?.StackId);
    expect(events.at(-1)).toMatchObject({ ResourceStatus: 'REVIEW_IN_PROGRESS', ResourceStatusReason: 'User Initiated' });
    expect(events.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toEqual(expect.arrayContaining(['Inbox CREATE_IN_PROGRESS', 'Inbox CREATE_COMPLETE']));
    const executed = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    expect(executed.ExecutionStatus).toBe('EXECUTE_COMPLETE');
  });

  it('answers a change set without changes as FAILED in the words the CDK CLI looks for, and refuses to execute it', async () => {
    // Prepare
    const current = (await cfn.send(new GetTemplateCommand({ StackName: 'Orders' }))).TemplateBody;

    // Act
    const created = await cfn.send(
      new CreateChangeSetCommand({ StackName: 'Orders', ChangeSetName: 'same', TemplateBody: current, Parameters: [{ ParameterKey: 'Stage', UsePreviousValue: true }], Tags: [{ Key: 'team', Value: 'shop' }] }),
    );
    await api.idle();
    const described = await cfn.send(new DescribeChangeSetCommand({ StackName: 'Orders', ChangeSetName: 'same' }));

    // Assess
    expect(current).toBe(queueTemplate(['Inbox']));
    expect(described).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.",
      Changes: [],
    });
    expect(await refusal(cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id })))).toEqual({
      name: 'InvalidChangeSetStatusException',
      message: `ChangeSet [${created.Id}] cannot be executed in its current status of [FAILED]`,
      status: 400,
    });
    expect(await refusal(cfn.send(new UpdateStackCommand({ StackName: 'Orders', UsePreviousTemplate: true, Parameters: [{ ParameterKey: 'Stage', UsePreviousValue: true }] })))).toMatchObject({
      name: 'ValidationError',
      message: 'No updates are to be performed.',
    });
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'Orders', ChangeSetName: 'same' }));
    expect(await refusal(cfn.send(new DescribeChangeSetCommand({ StackName: 'Orders', ChangeSetName: 'same' })))).toEqual({
      name: 'ChangeSetNotFoundException',
      message: 'ChangeSet [same] does not exist',
      status: 404,
    });
  });

  it('updates through an UPDATE change set: one line per added, modified and removed resource', async () => {
    // Prepare: the CLI first clears its change set name, which is no error when there is none.
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'Orders', ChangeSetName: 'cdk-deploy-change-set-2' }));
    const template = queueTemplate(['Outbox'], {});

    // Act
    const created = await cfn.send(new CreateChangeSetCommand({ StackName: 'Orders', ChangeSetName: 'cdk-deploy-change-set-2', TemplateBody: template, Parameters: [{ ParameterKey: 'Stage', UsePreviousValue: true }, { ParameterKey: 'Retention', ParameterValue: '600' }] }));
    await api.idle();
    const described = await cfn.send(new DescribeChangeSetCommand({ StackName: 'Orders', ChangeSetName: created.Id }));
    const listed = await cfn.send(new ListChangeSetsCommand({ StackName: 'Orders' }));
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'Orders', ChangeSetName: 'cdk-deploy-change-set-2' }));
    await api.idle();

    // Assess
    expect(described.Status).toBe('CREATE_COMPLETE');
    expect(described.Parameters).toEqual(expect.arrayContaining([{ ParameterKey: 'Stage', ParameterValue: 'dev' }, { ParameterKey: 'Retention', ParameterValue: '600' }]));
    expect(described.Changes?.map((c) => `${c.ResourceChange?.Action} ${c.ResourceChange?.LogicalResourceId}`).sort()).toEqual(['Add Outbox', 'Remove Inbox']);
    expect(listed.Summaries?.map((s) => [s.ChangeSetName, s.Status, s.ExecutionStatus])).toEqual([
      ['cdk-deploy-change-set', 'CREATE_COMPLETE', 'EXECUTE_COMPLETE'],
      ['cdk-deploy-change-set-2', 'CREATE_COMPLETE', 'AVAILABLE'],
    ]);
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'Orders' }))).Stacks?.[0];
    expect(stack).toMatchObject({ StackStatus: 'UPDATE_COMPLETE', ChangeSetId: created.Id });
    const resources = await cfn.send(new ListStackResourcesCommand({ StackName: 'Orders' }));
    expect(resources.StackResourceSummaries?.map((r) => [r.LogicalResourceId, r.ResourceType, r.ResourceStatus])).toEqual([['Outbox', 'AWS::SQS::Queue', 'CREATE_COMPLETE']]);
    const detail = await cfn.send(new DescribeStackResourceCommand({ StackName: 'Orders', LogicalResourceId: 'Outbox' }));
    expect(detail.StackResourceDetail).toMatchObject({ StackName: 'Orders', LogicalResourceId: 'Outbox', ResourceStatus: 'CREATE_COMPLETE' });
    const described2 = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'Orders' }));
    expect(described2.StackResources?.map((r) => r.LogicalResourceId)).toEqual(['Outbox']);
  });

  it("fails a change set the engine refuses, with the engine's reason (a CDK bootstrap version rule)", async () => {
    // Prepare: the rule every CDK stack carries, with a bootstrap version too old.
    const template = JSON.stringify({
      Parameters: { BootstrapVersion: { Type: 'String', Default: '5' } },
      Rules: {
        CheckBootstrapVersion: {
          Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1', '2', '3', '4', '5'], { Ref: 'BootstrapVersion' }] }] }, AssertDescription: "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI." }],
        },
      },
      Resources: { Q: { Type: 'AWS::SQS::Queue' } },
    });

    // Act
    const created = await cfn.send(new CreateChangeSetCommand({ StackName: 'OldBootstrap', ChangeSetName: 'cs', ChangeSetType: 'CREATE', TemplateBody: template }));
    await api.idle();
    const described = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));

    // Assess
    expect(described).toMatchObject({ Status: 'FAILED', ExecutionStatus: 'UNAVAILABLE', StatusReason: "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI." });
    expect((await cfn.send(new DescribeStacksCommand({ StackName: 'OldBootstrap' }))).Stacks?.[0]?.StackStatus).toBe('REVIEW_IN_PROGRESS');
  });

  it('reports a failed creation as the CDK CLI reads it, and creates the stack again once the rolled-back one is deleted', async () => {
    // Prepare: a queue SQS refuses (retention under 60 s).
    const broken = JSON.stringify({ Resources: { Bad: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 5 } } } });
    const first = await cfn.send(new CreateChangeSetCommand({ StackName: 'Flaky', ChangeSetName: 'cs', ChangeSetType: 'CREATE', TemplateBody: broken }));
    await api.idle();

    // Act
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: first.Id }));
    await api.idle();
    const failed = (await cfn.send(new DescribeStacksCommand({ StackName: 'Flaky' }))).Stacks?.[0];
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: 'Flaky' }))).StackEvents ?? [];
    const execution = (await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: first.Id }))).ExecutionStatus;
    await cfn.send(new DeleteStackCommand({ StackName: 'Flaky' }));
    await api.idle();
    const again = await cfn.send(new CreateChangeSetCommand({ StackName: 'Flaky', ChangeSetName: 'cs', ChangeSetType: 'CREATE', TemplateBody: queueTemplate(['Good']), Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'x' }] }));

    // Assess
    expect(failed?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(events.find((e) => e.LogicalResourceId === 'Bad' && e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toMatch(/MessageRetentionPeriod|5/);
    expect(execution).toBe('EXECUTE_FAILED');
    expect(again.StackId).not.toBe(first.StackId);
    expect((await cfn.send(new DescribeStacksCommand({ StackName: 'Flaky' }))).Stacks?.[0]?.StackStatus).toBe('REVIEW_IN_PROGRESS');
    expect((await cfn.send(new DescribeStacksCommand({ StackName: failed?.StackId }))).Stacks?.[0]?.StackStatus).toBe('DELETE_COMPLETE');
  });

  it('reads a TemplateURL from the local S3 whatever host it names', async () => {
    // Prepare: the CDK CLI gives its asset bucket's AWS URL.
    cloud.s3.createBucket('cdk-hnb659fds-assets-000000000000-us-east-1');
    cloud.s3.putObject('cdk-hnb659fds-assets-000000000000-us-east-1', 'abc123.json', Buffer.from(queueTemplate(['Work'])));

    // Act
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'FromUrl',
        ChangeSetName: 'cs',
        ChangeSetType: 'CREATE',
        TemplateURL: 'https://cdk-hnb659fds-assets-000000000000-us-east-1.s3.us-east-1.amazonaws.com/abc123.json',
        Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'x' }],
      }),
    );
    await api.idle();
    const summary = await cfn.send(new GetTemplateSummaryCommand({ TemplateURL: 'https://s3.amazonaws.com/cdk-hnb659fds-assets-000000000000-us-east-1/abc123.json' }));

    // Assess
    expect((await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }))).Status).toBe('CREATE_COMPLETE');
    expect(summary.ResourceTypes).toEqual(['AWS::SQS::Queue']);
    expect(await refusal(cfn.send(new GetTemplateSummaryCommand({ TemplateURL: 'ftp://example.com/t.json' })))).toMatchObject({ name: 'ValidationError', message: 'TemplateURL must be a supported URL.' });
    expect((await refusal(cfn.send(new ValidateTemplateCommand({ TemplateURL: 'https://s3.amazonaws.com/cdk-hnb659fds-assets-000000000000-us-east-1/missing.json' })))).message).toMatch(/missing\.json/);
    // A stack in review was never created: deleting it leaves it DELETE_COMPLETE, found by id only.
    await cfn.send(new DeleteStackCommand({ StackName: 'FromUrl' }));
    expect((await cfn.send(new DescribeStacksCommand({ StackName: created.StackId }))).Stacks?.[0]?.StackStatus).toBe('DELETE_COMPLETE');
    expect((await refusal(cfn.send(new DescribeStacksCommand({ StackName: 'FromUrl' })))).message).toBe('Stack with id FromUrl does not exist');
  });
});

describe('stacks, templates and exports', () => {
  it('creates, lists exports and imports, pages events, deletes (idempotently) and lists deleted stacks', async () => {
    // Prepare: 60 queues make more than one page of events.
    const names = Array.from({ length: 60 }, (_, i) => `Q${i}`);
    const { StackId } = await cfn.send(new CreateStackCommand({ StackName: 'Many', TemplateBody: queueTemplate(names), Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'dev' }] }));
    const importer = JSON.stringify({ Resources: { Copy: { Type: 'AWS::SQS::Queue', Properties: { Tags: [{ Key: 'from', Value: { 'Fn::ImportValue': 'Many-first' } }] } } } });
    await api.idle();
    await cfn.send(new CreateStackCommand({ StackName: 'Importer', TemplateBody: importer }));
    await api.idle();

    // Act
    const first = await cfn.send(new DescribeStackEventsCommand({ StackName: 'Many' }));
    const second = await cfn.send(new DescribeStackEventsCommand({ StackName: 'Many', NextToken: first.NextToken }));
    const exports = await cfn.send(new ListExportsCommand({}));
    const imports = await cfn.send(new ListImportsCommand({ ExportName: 'Many-first' }));

    // Assess
    expect(first.StackEvents).toHaveLength(100);
    expect(first.NextToken).toBeDefined();
    expect(second.NextToken).toBeUndefined();
    const all = [...(first.StackEvents ?? []), ...(second.StackEvents ?? [])];
    // Per queue: CREATE_IN_PROGRESS, again with its physical id ("Resource creation Initiated"), CREATE_COMPLETE.
    expect(all).toHaveLength(60 * 3 + 2);
    expect(all.map((e) => e.Timestamp!.getTime())).toEqual([...all.map((e) => e.Timestamp!.getTime())].sort((a, b) => b - a));
    expect(exports.Exports?.map((e) => [e.Name, e.ExportingStackId])).toEqual(expect.arrayContaining([['Many-first', StackId]]));
    expect(imports.Imports).toEqual(['Importer']);
    expect(await refusal(cfn.send(new CreateStackCommand({ StackName: 'Many', TemplateBody: queueTemplate(['A']) })))).toMatchObject({ name: 'AlreadyExistsException', message: 'Stack [Many] already exists' });

    await cfn.send(new DeleteStackCommand({ StackName: 'Importer' }));
    await api.idle();
    await cfn.send(new DeleteStackCommand({ StackName: 'Many' }));
    await api.idle();
    await cfn.send(new DeleteStackCommand({ StackName: 'Many' }));
    expect((await cfn.send(new DescribeStacksCommand({ StackName: StackId }))).Stacks?.[0]).toMatchObject({ StackStatus: 'DELETE_COMPLETE' });
    const deleted = await cfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    expect(deleted.StackSummaries?.map((s) => s.StackName)).toEqual(expect.arrayContaining(['Many', 'Importer']));
    expect(deleted.StackSummaries?.every((s) => s.StackStatus === 'DELETE_COMPLETE')).toBe(true);
    expect((await cfn.send(new DescribeStacksCommand({}))).Stacks?.map((s) => s.StackName)).not.toContain('Many');
  });

  it('keeps a stack with termination protection from being deleted until it is turned off', async () => {
    // Prepare
    await cfn.send(new CreateStackCommand({ StackName: 'Guarded', TemplateBody: queueTemplate(['G']), Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'x' }] }));
    await api.idle();

    // Act
    await cfn.send(new UpdateTerminationProtectionCommand({ StackName: 'Guarded', EnableTerminationProtection: true }));
    const refused = await refusal(cfn.send(new DeleteStackCommand({ StackName: 'Guarded' })));
    const shown = (await cfn.send(new DescribeStacksCommand({ StackName: 'Guarded' }))).Stacks?.[0]?.EnableTerminationProtection;
    await cfn.send(new UpdateTerminationProtectionCommand({ StackName: 'Guarded', EnableTerminationProtection: false }));
    await cfn.send(new DeleteStackCommand({ StackName: 'Guarded' }));
    await api.idle();

    // Assess
    expect(refused).toMatchObject({ name: 'ValidationError', message: 'Stack [Guarded] cannot be deleted while TerminationProtection is enabled' });
    expect(shown).toBe(true);
    expect((await refusal(cfn.send(new DescribeStacksCommand({ StackName: 'Guarded' })))).message).toBe('Stack with id Guarded does not exist');
  });

  it('summarizes a template: parameters with types and defaults, resource types, capabilities', async () => {
    // Prepare: the CDK's bootstrap version parameter, an IAM role with a name.
    const template = JSON.stringify({
      Description: 'summary',
      Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version', Description: 'Version' }, Secret: { Type: 'String', NoEcho: true, AllowedValues: ['a', 'b'] } },
      Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r', AssumeRolePolicyDocument: {} } }, Q: { Type: 'AWS::SQS::Queue' } },
    });

    // Act
    const summary = await cfn.send(new GetTemplateSummaryCommand({ TemplateBody: template }));
    const validated = await cfn.send(new ValidateTemplateCommand({ TemplateBody: template }));

    // Assess
    expect(summary.Parameters).toEqual([
      { ParameterKey: 'BootstrapVersion', DefaultValue: '/cdk-bootstrap/hnb659fds/version', ParameterType: 'AWS::SSM::Parameter::Value<String>', NoEcho: false, Description: 'Version', ParameterConstraints: {} },
      { ParameterKey: 'Secret', ParameterType: 'String', NoEcho: true, ParameterConstraints: { AllowedValues: ['a', 'b'] } },
    ]);
    expect(summary).toMatchObject({ Description: 'summary', ResourceTypes: ['AWS::IAM::Role', 'AWS::SQS::Queue'], Capabilities: ['CAPABILITY_NAMED_IAM'] });
    expect(summary.ResourceIdentifierSummaries).toEqual([
      { ResourceType: 'AWS::IAM::Role', LogicalResourceIds: ['Role'] },
      { ResourceType: 'AWS::SQS::Queue', LogicalResourceIds: ['Q'] },
    ]);
    expect(validated.Parameters?.map((p) => p.ParameterKey)).toEqual(['BootstrapVersion', 'Secret']);
    expect(await refusal(cfn.send(new CreateStackCommand({ StackName: 'NoCaps', TemplateBody: template })))).toMatchObject({ name: 'InsufficientCapabilitiesException', message: 'Requires capabilities : [CAPABILITY_NAMED_IAM]' });
  });
});

describe("CloudFormation's refusals, in its words", () => {
  it.each([
    ['DescribeStacks of a missing stack', () => new DescribeStacksCommand({ StackName: 'nope' }), 'ValidationError', 'Stack with id nope does not exist'],
    ['DescribeStackEvents of a missing stack', () => new DescribeStackEventsCommand({ StackName: 'nope' }), 'ValidationError', 'Stack [nope] does not exist'],
    ['DescribeChangeSet of a missing stack', () => new DescribeChangeSetCommand({ StackName: 'somestack', ChangeSetName: 'x' }), 'ValidationError', 'Stack [somestack] does not exist'],
    ['DeleteChangeSet by name without a stack', () => new DeleteChangeSetCommand({ ChangeSetName: 'x' }), 'ValidationError', 'StackName must be specified if ChangeSetName is not specified as an ARN.'],
    ['an UPDATE change set of a missing stack', () => new CreateChangeSetCommand({ StackName: 'nope', ChangeSetName: 'x', TemplateBody: queueTemplate(['A']) }), 'ValidationError', 'Stack [nope] does not exist'],
    ['a CREATE change set of a live stack', () => new CreateChangeSetCommand({ StackName: 'Orders', ChangeSetName: 'again', ChangeSetType: 'CREATE', TemplateBody: queueTemplate(['A']) }), 'ValidationError', 'Stack [Orders] already exists and cannot be created again with the changeSet [again].'],
    ['a change set without a template', () => new CreateChangeSetCommand({ StackName: 'New', ChangeSetName: 'x', ChangeSetType: 'CREATE' }), 'ValidationError', 'Either Template URL or Template Body must be specified.'],
    ['a template that is not YAML', () => new ValidateTemplateCommand({ TemplateBody: 'Resources: [a' }), 'ValidationError', 'Template format error: YAML not well-formed.'],
    ['a template that is not JSON', () => new ValidateTemplateCommand({ TemplateBody: '{"this is invalid JSON"="bobbins"}' }), 'ValidationError', 'Template format error: JSON not well-formed. (line 1, column 25)'],
    ['a template without resources', () => new ValidateTemplateCommand({ TemplateBody: '{"Resources": {}}' }), 'ValidationError', 'Template format error: At least one Resources member must be defined.'],
    ['a missing parameter value', () => new CreateStackCommand({ StackName: 'NoStage', TemplateBody: queueTemplate(['A']) }), 'ValidationError', 'Parameters: [Stage] must have values'],
    ['a bad stack name', () => new CreateStackCommand({ StackName: 'bad_name', TemplateBody: queueTemplate(['A']) }), 'ValidationError', "1 validation error detected: Value 'bad_name' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*"],
    ['GetTemplate without a stack or change set', () => new GetTemplateCommand({}), 'ValidationError', 'StackName is required if ChangeSetName is not specified.'],
    ['DescribeStackResource of a missing resource', () => new DescribeStackResourceCommand({ StackName: 'Orders', LogicalResourceId: 'NonExistentResource' }), 'ValidationError', 'Resource NonExistentResource does not exist for stack Orders'],
  ])('%s', async (_case, command, name, message) => {
    expect(await refusal(cfn.send(command() as never))).toMatchObject({ name, message });
  });

  it('refuses GetTemplateSummary of a stack in review, and deleting a missing stack is no error', async () => {
    await cfn.send(new CreateChangeSetCommand({ StackName: 'InReview', ChangeSetName: 'x', ChangeSetType: 'CREATE', TemplateBody: queueTemplate(['A']), Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'x' }] }));
    expect(await refusal(cfn.send(new GetTemplateSummaryCommand({ StackName: 'InReview' })))).toMatchObject({ message: 'GetTemplateSummary cannot be called on REVIEW_IN_PROGRESS stacks.' });
    await expect(cfn.send(new DeleteStackCommand({ StackName: 'NeverWas' }))).resolves.toBeDefined();
  });
});
