import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

/**
 * The deployer on a hand-built cloud assembly that uses what CDK apps use: two stacks with an
 * export/import, parameters, conditions, Fn::Join/Sub/Select/Split, pseudo parameters, a rule that
 * targets a function, skipped and unsupported resource types.
 */
const ECHO = path.join(__dirname, '..', 'fixtures', 'functions', 'echo');

function writeAssembly(templates: Record<string, object>, dependencies: Record<string, string[]> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-assembly-'));
  // Bundled with esbuild, as CDK bundles a NodejsFunction: the asset runs without node_modules.
  buildSync({ entryPoints: [path.join(ECHO, 'index.js')], bundle: true, platform: 'node', target: 'node20', outfile: path.join(dir, 'asset.echo', 'index.js'), logLevel: 'silent' });
  const artifacts: Record<string, object> = {};
  for (const [name, template] of Object.entries(templates)) {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify(template));
    fs.writeFileSync(path.join(dir, `${name}.assets.json`), JSON.stringify({ version: '1', files: { echo: { source: { path: 'asset.echo', packaging: 'zip' }, destinations: { d: { bucketName: 'b', objectKey: 'echo.zip' } } } } }));
    artifacts[`${name}.assets`] = { type: 'cdk:asset-manifest', properties: { file: `${name}.assets.json` } };
    artifacts[name] = { type: 'aws:cloudformation:stack', properties: { templateFile: `${name}.template.json` }, dependencies: [`${name}.assets`, ...(dependencies[name] ?? [])] };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts }));
  return dir;
}

const producer = {
  Parameters: { Stage: { Type: 'String', Default: 'dev' } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
  Resources: {
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'bus']] } } },
    Sink: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
    ProdOnly: { Type: 'AWS::SQS::Queue', Condition: 'IsProd' },
  },
  Outputs: {
    BusName: { Value: { Ref: 'Bus' }, Export: { Name: 'Producer-BusName' } },
    SinkUrl: { Value: { Ref: 'Sink' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-SinkUrl' } } },
    ProdQueue: { Condition: 'IsProd', Value: { Ref: 'ProdOnly' } },
  },
};
const consumer = {
  Resources: {
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    Echo: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'b', S3Key: 'echo.zip' },
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
        Timeout: 5,
        Environment: {
          Variables: {
            SINK_URL: { 'Fn::ImportValue': 'Producer-SinkUrl' },
            NAME: { 'Fn::Sub': '${AWS::StackName}-${AWS::Region}-${AWS::Partition}' },
            PART: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
          },
        },
      },
    },
    ToEcho: {
      Type: 'AWS::Events::Rule',
      Properties: { EventBusName: { 'Fn::ImportValue': 'Producer-BusName' }, EventPattern: { source: ['fixture'] }, Targets: [{ Id: 'echo', Arn: { 'Fn::GetAtt': ['Echo', 'Arn'] } }] },
    },
    Topic: { Type: 'AWS::SNS::Topic' },
  },
  Outputs: { EchoName: { Value: { Ref: 'Echo' } } },
};

describe('deploying a cloud assembly', () => {
  let cloud: LocalCloud;
  let assembly: string;
  const config = () => ({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

  beforeAll(async () => {
    assembly = writeAssembly({ Producer: producer, Consumer: consumer }, { Consumer: ['Producer'] });
    cloud = await startLocalCloud({ port: 0, app: assembly, dynamodb: false, outputsFile: path.join(assembly, 'outputs.json') });
  });
  afterAll(async () => {
    await cloud.stop();
    fs.rmSync(assembly, { recursive: true, force: true });
  });

  it('resolves intrinsics and exports, honours conditions, and writes the outputs file', () => {
    const outputs = JSON.parse(fs.readFileSync(path.join(assembly, 'outputs.json'), 'utf8'));
    expect(outputs).toEqual({
      Producer: { BusName: 'Producer-bus', SinkUrl: `${cloud.endpoint}/000000000000/Producer-Sink` },
      Consumer: { EchoName: 'Consumer-Echo' },
    });
    expect(cloud.sqs.allQueues().map((q) => q.name)).toEqual(['Producer-Sink']);
    expect([...cloud.deployment!.skipped.keys()].sort()).toEqual(['AWS::IAM::Role', 'AWS::SNS::Topic']);
  });

  it('deploys through the stack engine the CloudFormation API serves: stacks listed with their resources and exports', () => {
    const stacks = cloud.stackEngine.list();
    expect(stacks.map((s) => `${s.stackName} ${s.status}`)).toEqual(['Producer CREATE_COMPLETE', 'Consumer CREATE_COMPLETE']);
    const consumerStack = stacks.find((s) => s.stackName === 'Consumer')!;
    expect(consumerStack.resources.find((r) => r.logicalResourceId === 'Echo')).toMatchObject({ physicalResourceId: 'Consumer-Echo', resourceStatus: 'CREATE_COMPLETE' });
    expect(cloud.stackEngine.exports().map((e) => e.name).sort()).toEqual(['Producer-BusName', 'Producer-SinkUrl']);
    expect(cloud.mappings.runtimes()).toHaveLength(0);
  });

  it('delivers rule matches to a function target, whose environment is resolved', async () => {
    const sqs = new SQSClient(config());
    await cloud.eventBridge.handle('PutEvents', { Entries: [{ Source: 'fixture', DetailType: 't', Detail: '{"hello":"world"}', EventBusName: 'Producer-bus' }] });
    expect((await cloud.settle(10_000)).settled).toBe(true);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${cloud.endpoint}/000000000000/Producer-Sink`, WaitTimeSeconds: 5 }));
    const body = JSON.parse(Messages[0]!.Body!);
    expect(body.event).toMatchObject({ source: 'fixture', detail: { hello: 'world' } });
    expect(body.env).toEqual({ NAME: 'Consumer-us-east-1-aws', PART: 'b', SINK_URL: `${cloud.endpoint}/000000000000/Producer-Sink`, FUNCTION: 'Consumer-Echo' });
    sqs.destroy();
  });

  it('serves the Lambda Invoke API: RequestResponse with log tail, Event, DryRun, unknown functions', async () => {
    const lambda = new LambdaClient(config());
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'Consumer-Echo', Payload: Buffer.from(JSON.stringify({ ping: 1 })), LogType: 'Tail' }));
    expect(response.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(response.Payload!).toString()).echoed).toEqual({ ping: 1 });
    expect(Buffer.from(response.LogResult!, 'base64').toString()).toContain('"message":"echo"');
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'Consumer-Echo', InvocationType: 'Event', Payload: Buffer.from('{}') }))).StatusCode).toBe(202);
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'Consumer-Echo', InvocationType: 'DryRun' }))).StatusCode).toBe(204);
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await cloud.settle(10_000)).settled).toBe(true);
    lambda.destroy();
  });
});

describe('refusing what it cannot run', () => {
  it('names a resource type the app needs and the local cloud cannot run', async () => {
    const needsStream = { Resources: { Stream: { Type: 'AWS::Kinesis::Stream' }, Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::GetAtt': ['Stream', 'Arn'] } } } } };
    const assembly = writeAssembly({ Needy: needsStream });
    await expect(startLocalCloud({ port: 0, app: assembly, dynamodb: false })).rejects.toThrow('Needy/Q needs Stream (AWS::Kinesis::Stream), a resource type the local cloud cannot run');
  });

  it('names a function runtime whose Node this machine lacks, and what it has', async () => {
    const future = { Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'Future', Code: { S3Bucket: 'b', S3Key: 'echo.zip' }, Handler: 'index.handler', Runtime: 'nodejs99.x' } } } };
    const assembly = writeAssembly({ Ahead: future });
    await expect(startLocalCloud({ port: 0, app: assembly, dynamodb: false })).rejects.toThrow(/^function Future: Runtime nodejs99\.x needs Node 99, which this machine does not have \(it has Node .+\): run the local cloud on Node 99, or declare a runtime it has \(.*nodejs22\.x.*\)$/);
  });

  it('names the stack and resource of an unresolvable import', async () => {
    const assembly = writeAssembly({ Lonely: { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::ImportValue': 'Nobody-Exports-This' } } } } } });
    await expect(startLocalCloud({ port: 0, app: assembly, dynamodb: false })).rejects.toThrow('Lonely/Q: Fn::ImportValue of "Nobody-Exports-This", which no deployed stack exports');
  });
});
