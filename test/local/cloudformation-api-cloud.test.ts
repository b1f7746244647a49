import { CloudFormationClient, CreateChangeSetCommand, DescribeChangeSetCommand, DescribeStacksCommand, ExecuteChangeSetCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

// CloudFormation on the local cloud's own endpoint (next to STS, S3 and SSM), and settling that
// waits for stack operations: what `cdk deploy` against `npm run local -- --no-app` relies on.
let cloud: LocalCloud;
let cfn: CloudFormationClient;
let ssm: SSMClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodb: false });
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  cfn = new CloudFormationClient(config);
  ssm = new SSMClient(config);
});

afterAll(async () => {
  cfn?.destroy();
  ssm?.destroy();
  await cloud?.stop();
});

it('deploys a template published to S3 through a change set; settling waits for the plan and the stack operation', async () => {
  // Prepare: the template in the bootstrap bucket, as the CDK CLI publishes it.
  const template = {
    Parameters: { Version: { Type: 'String', Default: '21' } },
    Resources: {
      Jobs: { Type: 'AWS::SQS::Queue' },
      BootstrapVersion: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/cdk-bootstrap/test/version', Type: 'String', Value: { Ref: 'Version' } } },
    },
    Outputs: { JobsUrl: { Value: { Ref: 'Jobs' } } },
  };
  cloud.s3.createBucket('cdk-test-assets-000000000000-us-east-1');
  cloud.s3.putObject('cdk-test-assets-000000000000-us-east-1', 'stack.json', Buffer.from(JSON.stringify(template)));

  // Act
  const created = await cfn.send(
    new CreateChangeSetCommand({
      StackName: 'Published',
      ChangeSetName: 'cdk-deploy-change-set',
      ChangeSetType: 'CREATE',
      TemplateURL: 'https://s3.us-east-1.amazonaws.com/cdk-test-assets-000000000000-us-east-1/stack.json',
    }),
  );
  const planned = await cloud.settle(10_000);
  const described = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
  const deployed = await cloud.settle(10_000);

  // Assess: no polling needed after a settle.
  expect(planned.settled).toBe(true);
  expect(described.Status).toBe('CREATE_COMPLETE');
  expect(deployed).toMatchObject({ settled: true, pending: { stackOperations: 0 } });
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'Published' }))).Stacks?.[0];
  expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
  expect(stack?.Outputs?.[0]?.OutputValue).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/000000000000\//);
  expect((await ssm.send(new GetParameterCommand({ Name: '/cdk-bootstrap/test/version' }))).Parameter?.Value).toBe('21');
  expect(cloud.sqs.allQueues().map((q) => q.name)).toContain(stack?.Outputs?.[0]?.OutputValue?.split('/').pop());

  await cfn.send(new DeleteStackCommand({ StackName: 'Published' }));
  expect((await cloud.settle(10_000)).settled).toBe(true);
  expect((await cfn.send(new DescribeStacksCommand({ StackName: stack?.StackId }))).Stacks?.[0]?.StackStatus).toBe('DELETE_COMPLETE');
});
