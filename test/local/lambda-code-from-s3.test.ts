import { CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { strToU8, zipSync } from 'fflate';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';

/**
 * Function code from the local S3 (`Code.S3Bucket`/`S3Key`), as `cdk deploy --hotswap` sends
 * UpdateFunctionCode with the asset zip it published to the bootstrap bucket.
 */
describe('Lambda code from S3', () => {
  let cloud: LocalCloud;
  let lambda: LambdaClient;
  let s3: S3Client;
  const bucket = 'cdk-hnb659fds-assets-000000000000-us-east-1';
  const role = 'arn:aws:iam::000000000000:role/fn';

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0 });
    const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    lambda = new LambdaClient(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    lambda.destroy();
    s3.destroy();
    await cloud.stop();
  });

  const upload = async (key: string, answer: string) => {
    const zip = zipSync({ 'index.js': strToU8(`exports.handler = async () => '${answer}';\n`) });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: zip }));
  };
  const invoke = async (name: string) => JSON.parse(Buffer.from((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload!).toString()) as unknown;

  it('creates a function from a zip in S3 and swaps its code for another zip in S3', async () => {
    // Prepare
    await upload('v1.zip', 'v1');
    await upload('v2.zip', 'v2');
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'from-s3', Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler', Code: { S3Bucket: bucket, S3Key: 'v1.zip' } }));
    expect(await invoke('from-s3')).toBe('v1');

    // Act
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'from-s3', S3Bucket: bucket, S3Key: 'v2.zip' }));

    // Assess: the hot swap's wait (GetFunctionConfiguration until Successful) ends, and the new code runs.
    expect(updated.CodeSize).toBeGreaterThan(0);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'from-s3' }))).LastUpdateStatus).toBe('Successful');
    expect(await invoke('from-s3')).toBe('v2');
  });

  it('refuses a key or bucket that does not exist in Lambda\'s words, keeping the code', async () => {
    // Prepare
    await upload('kept.zip', 'kept');
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'kept', Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler', Code: { S3Bucket: bucket, S3Key: 'kept.zip' } }));

    // Act + Assess
    for (const target of [{ S3Bucket: bucket, S3Key: 'missing.zip' }, { S3Bucket: 'no-such-bucket', S3Key: 'kept.zip' }]) {
      await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'kept', ...target }))).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
        message: expect.stringMatching(/^Error occurred while GetObject\. S3 Error Code: NoSuch(Key|Bucket)\./),
      });
    }
    expect(await invoke('kept')).toBe('kept');
  });
});
