import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

/**
 * The local cloud's own stack engine (the one its CloudFormation API drives) on what `cdk bootstrap`
 * and `cdk deploy` give it: the CDK CLI's bootstrap template (YAML, its S3 bucket and SSM version
 * parameter stored in the local S3 and SSM), then an app stack whose function code is a zip in the
 * bootstrap bucket and whose CheckBootstrapVersion rule reads the version from SSM.
 */
const BOOTSTRAP_TEMPLATE = path.join(__dirname, '..', '..', 'node_modules', 'aws-cdk', 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml');

describe('the stack engine on a bootstrap and a deployment', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, dynamodb: false });
  });
  afterAll(async () => {
    await cloud.stop();
  });

  it('bootstraps: the asset bucket in S3, the version in SSM, the rest accepted', async () => {
    const engine = cloud.stackEngine;
    await engine.apply({ stackName: 'CDKToolkit', templateBody: fs.readFileSync(BOOTSTRAP_TEMPLATE, 'utf8'), parameters: { Qualifier: 'hnb659fds', FileAssetsBucketKmsKeyId: 'AWS_MANAGED_KEY' } });
    await engine.idle();
    const stack = engine.get('CDKToolkit')!;
    expect(stack.status).toBe('CREATE_COMPLETE');
    const bucket = stack.outputs.find((o) => o.outputKey === 'BucketName')!.outputValue;
    expect(bucket).toBe('cdk-hnb659fds-assets-000000000000-us-east-1');
    expect(cloud.s3.hasBucket(bucket)).toBe(true);
    const version = stack.outputs.find((o) => o.outputKey === 'BootstrapVersion')!.outputValue;
    expect(cloud.ssm.parameters.get('/cdk-bootstrap/hnb659fds/version')?.value).toBe(version);
    expect(engine.support('AWS::IAM::Role')).toBe('accepted');
    expect(engine.support('AWS::S3::Bucket')).toBe('provided');
  });

  it('deploys a function whose code is a zip in the bootstrap bucket, checked against the bootstrap version', async () => {
    const engine = cloud.stackEngine;
    const bucket = 'cdk-hnb659fds-assets-000000000000-us-east-1';
    cloud.s3.putObject(bucket, 'hello.zip', Buffer.from(zipSync({ 'index.js': strToU8("exports.handler = async () => ({ hello: 'from s3' });\n") })));
    const template = (minimum: number) => ({
      Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
      Rules: { CheckBootstrapVersion: { Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Contains': [Array.from({ length: minimum - 1 }, (_, i) => String(i + 1)), { Ref: 'BootstrapVersion' }] }] }, AssertDescription: `CDK bootstrap stack version ${minimum} required.` }] } },
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
        Hello: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: bucket, S3Key: 'hello.zip' }, Handler: 'index.handler', Runtime: 'nodejs22.x', Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      },
    });
    const version = Number(cloud.ssm.parameters.get('/cdk-bootstrap/hnb659fds/version')!.value);
    await expect(engine.apply({ stackName: 'App', templateBody: JSON.stringify(template(version + 1)), parameters: {} })).rejects.toThrow(`CDK bootstrap stack version ${version + 1} required.`);

    await engine.apply({ stackName: 'App', templateBody: JSON.stringify(template(6)), parameters: {} });
    await engine.idle();
    expect(engine.get('App')?.status).toBe('CREATE_COMPLETE');
    const fn = cloud.lambda.find('App-Hello')!;
    expect((await cloud.lambda.invoke(fn, {})).result).toEqual({ hello: 'from s3' });

    await engine.delete('App');
    await engine.idle();
    expect(cloud.lambda.find('App-Hello')).toBeUndefined();
  });

  it('fails a function whose code is missing from S3, in the words Lambda uses', async () => {
    const engine = cloud.stackEngine;
    const template = { Resources: { Missing: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: 'cdk-hnb659fds-assets-000000000000-us-east-1', S3Key: 'nope.zip' }, Handler: 'index.handler', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::000000000000:role/r' } } } };
    await engine.apply({ stackName: 'NoCode', templateBody: JSON.stringify(template), parameters: {} });
    await engine.idle();
    const stack = engine.get('NoCode')!;
    expect(stack.status).toBe('ROLLBACK_COMPLETE');
    expect(stack.events.find((e) => e.resourceStatus === 'CREATE_FAILED')?.resourceStatusReason).toBe('Resource handler returned message: "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist."');
  });
});
