import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { ManualClock } from '../../local/clock';
import { Gateway } from '../../local/gateway/server';
import { SsmService } from '../../local/ssm/ssm-service';

/** SSM Parameter Store through the endpoint with the AWS SDK v3 (JSON 1.1), and in process as CloudFormation uses it. */
let gateway: Gateway;
let service: SsmService;
let clock: ManualClock;
let ssm: SSMClient;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode: number } }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: Error & { $metadata: { httpStatusCode: number } }) => error,
  );
}

beforeAll(async () => {
  clock = new ManualClock();
  service = new SsmService({ region: 'us-east-1', accountId: '000000000000', now: () => clock.now() });
  gateway = new Gateway({ host: '127.0.0.1', port: 0, services: [service] });
  const endpoint = await gateway.listen();
  ssm = new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
});
afterAll(async () => {
  ssm.destroy();
  await gateway.close();
});

describe('SSM parameters', () => {
  it('PutParameter creates version 1, GetParameter answers it with its ARN and date; an overwrite is version 2', async () => {
    // Prepare
    const name = `/${unique('app')}/db/host`;

    // Act
    const created = await ssm.send(new PutParameterCommand({ Name: name, Value: 'a', Type: 'String', Description: 'the host' }));
    const first = await ssm.send(new GetParameterCommand({ Name: name }));
    const overwritten = await ssm.send(new PutParameterCommand({ Name: name, Value: 'b', Overwrite: true }));
    const latest = await ssm.send(new GetParameterCommand({ Name: name }));
    const byVersion = await ssm.send(new GetParameterCommand({ Name: `${name}:1` }));
    const byArn = await ssm.send(new GetParameterCommand({ Name: first.Parameter!.ARN! }));

    // Assess
    expect(created).toMatchObject({ Version: 1, Tier: 'Standard' });
    expect(first.Parameter).toEqual({ Name: name, Type: 'String', Value: 'a', Version: 1, ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${name}`, DataType: 'text', LastModifiedDate: new Date(clock.now()) });
    expect(overwritten.Version).toBe(2);
    expect(latest.Parameter).toMatchObject({ Value: 'b', Version: 2, Type: 'String' });
    expect(byVersion.Parameter).toMatchObject({ Value: 'a', Version: 1, Selector: ':1' });
    expect(byArn.Parameter).toMatchObject({ Name: name, Value: 'b' });
  });

  it('refuses to overwrite without Overwrite: ParameterAlreadyExists', async () => {
    const name = unique('exists');
    await ssm.send(new PutParameterCommand({ Name: name, Value: 'a', Type: 'String' }));
    const error = await failure(ssm.send(new PutParameterCommand({ Name: name, Value: 'b', Type: 'String' })));
    expect(error.name).toBe('ParameterAlreadyExists');
    expect(error.message).toBe('The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('treats a one-level name with and without its slash as one parameter, answering the name as asked (test_put_parameters)', async () => {
    const name = unique('param');
    await ssm.send(new PutParameterCommand({ Name: name, Value: '123', Type: 'String' }));
    const slashed = await ssm.send(new GetParameterCommand({ Name: `/${name}` }));
    expect(slashed.Parameter).toMatchObject({ Name: `/${name}`, Value: '123' });
  });

  it.each(['/<p>//b//c', '<p>/b/c'])('refuses the malformed hierarchical name %s (test_hierarchical_parameter)', async (pattern) => {
    const a = unique('h');
    await ssm.send(new PutParameterCommand({ Name: `/${a}/b/c`, Value: '123', Type: 'String' }));
    const error = await failure(ssm.send(new GetParameterCommand({ Name: pattern.replace('<p>', a) })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/sub-paths divided by slash symbol/);
  });

  it('refuses what AWS refuses: a reserved prefix, a missing type, a deep hierarchy, a value off its pattern', async () => {
    expect((await failure(ssm.send(new PutParameterCommand({ Name: '/aws/mine', Value: 'x', Type: 'String' })))).name).toBe('ValidationException');
    expect((await failure(ssm.send(new PutParameterCommand({ Name: unique('untyped'), Value: 'x' })))).message).toBe('A parameter type is required when you create a parameter.');
    const deep = `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`;
    expect((await failure(ssm.send(new PutParameterCommand({ Name: deep, Value: 'x', Type: 'String' })))).name).toBe('HierarchyLevelLimitExceededException');
    const mismatch = await failure(ssm.send(new PutParameterCommand({ Name: unique('pattern'), Value: 'abc', Type: 'String', AllowedPattern: '^\\d+$' })));
    expect(mismatch.name).toBe('ParameterPatternMismatchException');
    expect((await failure(ssm.send(new PutParameterCommand({ Name: unique('big'), Value: 'x'.repeat(4097), Type: 'String' })))).message).toMatch(/Standard tier parameters support a maximum parameter value of 4096/);
  });

  it('GetParameter of a missing parameter is ParameterNotFound; of a missing version ParameterVersionNotFound', async () => {
    const name = unique('missing');
    expect((await failure(ssm.send(new GetParameterCommand({ Name: name })))).name).toBe('ParameterNotFound');
    await ssm.send(new PutParameterCommand({ Name: name, Value: 'x', Type: 'String' }));
    expect((await failure(ssm.send(new GetParameterCommand({ Name: `${name}:7` })))).name).toBe('ParameterVersionNotFound');
  });

  it('keeps a SecureString value opaque unless decrypted, and StringList values as given', async () => {
    const secret = unique('secret');
    const list = unique('list');
    await ssm.send(new PutParameterCommand({ Name: secret, Value: 'hunter2', Type: 'SecureString' }));
    await ssm.send(new PutParameterCommand({ Name: list, Value: 'a,b,c', Type: 'StringList' }));

    const hidden = await ssm.send(new GetParameterCommand({ Name: secret }));
    const decrypted = await ssm.send(new GetParameterCommand({ Name: secret, WithDecryption: true }));
    const listed = await ssm.send(new GetParameterCommand({ Name: list }));

    expect(hidden.Parameter?.Value).not.toContain('hunter2');
    expect(decrypted.Parameter).toMatchObject({ Type: 'SecureString', Value: 'hunter2' });
    expect(listed.Parameter).toMatchObject({ Type: 'StringList', Value: 'a,b,c' });
  });

  it('GetParameters answers the found ones and names the others InvalidParameters', async () => {
    const name = unique('some');
    await ssm.send(new PutParameterCommand({ Name: name, Value: 'v', Type: 'String' }));
    const result = await ssm.send(new GetParametersCommand({ Names: [name, 'inexistent_param', name] }));
    expect(result.Parameters?.map((p) => p.Name)).toEqual([name]);
    expect(result.InvalidParameters).toEqual(['inexistent_param']);
    expect((await failure(ssm.send(new GetParametersCommand({ Names: Array.from({ length: 11 }, (_, i) => `n${i}`) })))).name).toBe('ValidationException');
  });

  it('GetParametersByPath answers one level, or every level with Recursive, a page at a time', async () => {
    // Prepare
    const root = `/${unique('tree')}`;
    for (const name of [`${root}/a`, `${root}/b`, `${root}/sub/c`, `${root}/sub/deeper/d`, `${root}x/not-under`]) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: name, Type: 'String' }));
    }

    // Act
    const oneLevel = await ssm.send(new GetParametersByPathCommand({ Path: root }));
    const firstPage = await ssm.send(new GetParametersByPathCommand({ Path: `${root}/`, Recursive: true, MaxResults: 3 }));
    const secondPage = await ssm.send(new GetParametersByPathCommand({ Path: `${root}/`, Recursive: true, MaxResults: 3, NextToken: firstPage.NextToken! }));

    // Assess
    expect(oneLevel.Parameters?.map((p) => p.Name)).toEqual([`${root}/a`, `${root}/b`]);
    expect(oneLevel.NextToken).toBeUndefined();
    expect([...firstPage.Parameters!, ...secondPage.Parameters!].map((p) => p.Name)).toEqual([`${root}/a`, `${root}/b`, `${root}/sub/c`, `${root}/sub/deeper/d`]);
    expect(secondPage.NextToken).toBeUndefined();
  });

  it('DeleteParameter removes it (a second time ParameterNotFound); DeleteParameters names what it did not find', async () => {
    const one = unique('del');
    const two = unique('del');
    await ssm.send(new PutParameterCommand({ Name: one, Value: 'x', Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: two, Value: 'x', Type: 'String' }));

    await ssm.send(new DeleteParameterCommand({ Name: one }));
    const again = await failure(ssm.send(new DeleteParameterCommand({ Name: one })));
    const batch = await ssm.send(new DeleteParametersCommand({ Names: [two, one] }));

    expect(again.name).toBe('ParameterNotFound');
    expect(batch).toMatchObject({ DeletedParameters: [two], InvalidParameters: [one] });
    expect((await failure(ssm.send(new GetParameterCommand({ Name: two })))).name).toBe('ParameterNotFound');
  });

  it('DescribeParameters filters by name prefix and type', async () => {
    const prefix = unique('described');
    await ssm.send(new PutParameterCommand({ Name: `${prefix}-s`, Value: 'x', Type: 'String', Description: 'd' }));
    await ssm.send(new PutParameterCommand({ Name: `${prefix}-l`, Value: 'x', Type: 'StringList' }));
    const result = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: [prefix] }, { Key: 'Type', Values: ['String'] }] }),
    );
    expect(result.Parameters).toEqual([expect.objectContaining({ Name: `${prefix}-s`, Type: 'String', Description: 'd', Version: 1, Tier: 'Standard', DataType: 'text' })]);
  });

  it('serves CloudFormation in process: put and get by name, the CDK bootstrap version read back through the API', async () => {
    // Act: as the bootstrap stack's AWS::SSM::Parameter and a stack's BootstrapVersion parameter do.
    service.parameters.put({ name: '/cdk-bootstrap/hnb659fds/version', value: '21', type: 'String' });
    const viaApi = await ssm.send(new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }));
    service.parameters.put({ name: '/cdk-bootstrap/hnb659fds/version', value: '22', type: 'String' });

    // Assess
    expect(viaApi.Parameter?.Value).toBe('21');
    expect(service.parameters.get('/cdk-bootstrap/hnb659fds/version')).toEqual({ value: '22', type: 'String', version: 2 });
    expect(service.parameters.get('/not/there')).toBeUndefined();
    service.parameters.delete('/cdk-bootstrap/hnb659fds/version');
    service.parameters.delete('/cdk-bootstrap/hnb659fds/version');
    expect(service.parameters.get('/cdk-bootstrap/hnb659fds/version')).toBeUndefined();
  });
});
