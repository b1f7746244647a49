import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { Gateway } from '../../local/gateway/server';
import { StsService } from '../../local/sts/sts-service';

/** STS through the endpoint with the AWS SDK v3 (the query protocol), as the CDK CLI calls it. */
const ACCOUNT = '000000000000';
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-us-east-1`;
let gateway: Gateway;
let endpoint: string;
let sts: STSClient;

function client(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): STSClient {
  return new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

beforeAll(async () => {
  gateway = new Gateway({ host: '127.0.0.1', port: 0, services: [], query: [new StsService({ accountId: ACCOUNT, now: () => Date.UTC(2026, 10, 26, 10, 0, 0) })] });
  endpoint = await gateway.listen();
  sts = client({ accessKeyId: 'test', secretAccessKey: 'test' });
});
afterAll(async () => {
  sts.destroy();
  await gateway.close();
});

describe('STS', () => {
  it('GetCallerIdentity answers the account root for long-term credentials', async () => {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: ACCOUNT });
  });

  it('AssumeRole of the CDK deploy role returns credentials, and GetCallerIdentity with them answers the assumed role', async () => {
    // Act: as the CDK CLI does, with session tags made transitive.
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: DEPLOY_ROLE, RoleSessionName: 'aws-cdk-tester', Tags: [{ Key: 'cdk', Value: 'x' }], TransitiveTagKeys: ['cdk'] }),
    );
    const credentials = assumed.Credentials!;
    const asRole = client({ accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! });
    const identity = await asRole.send(new GetCallerIdentityCommand({}));
    asRole.destroy();

    // Assess
    const roleName = `cdk-hnb659fds-deploy-role-${ACCOUNT}-us-east-1`;
    expect(credentials.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(credentials.Expiration).toEqual(new Date(Date.UTC(2026, 10, 26, 11, 0, 0)));
    expect(assumed.AssumedRoleUser).toEqual({ Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/aws-cdk-tester`, AssumedRoleId: expect.stringMatching(/^AROA[A-Z0-9]{17}:aws-cdk-tester$/) });
    expect(identity).toMatchObject({ Account: ACCOUNT, Arn: assumed.AssumedRoleUser!.Arn, UserId: assumed.AssumedRoleUser!.AssumedRoleId });
  });

  it('AssumeRole gives one role one id across sessions', async () => {
    const first = await sts.send(new AssumeRoleCommand({ RoleArn: DEPLOY_ROLE, RoleSessionName: 'one' }));
    const second = await sts.send(new AssumeRoleCommand({ RoleArn: DEPLOY_ROLE, RoleSessionName: 'two' }));
    expect(first.AssumedRoleUser!.AssumedRoleId!.split(':')[0]).toBe(second.AssumedRoleUser!.AssumedRoleId!.split(':')[0]);
    expect(first.Credentials!.AccessKeyId).not.toBe(second.Credentials!.AccessKeyId);
  });

  it.each([
    ['a malformed ARN', { RoleArn: 'nothing-valid-in-here', RoleSessionName: 'Session1' }, 'ValidationError', 'nothing-valid-in-here is invalid'],
    ['an ARN without a resource', { RoleArn: 'arn:a:a::aaaaaaaaaa:', RoleSessionName: 'Session1' }, 'ValidationError', 'arn:a:a::aaaaaaaaaa: is invalid'],
    [
      'a session name with a colon',
      { RoleArn: 'arn:a:b:::something/test-role', RoleSessionName: 'Session1:2' },
      'ValidationError',
      "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    ],
    ['a too short duration', { RoleArn: DEPLOY_ROLE, RoleSessionName: 's1', DurationSeconds: 60 }, 'ValidationError', /greater than or equal to 900/],
    [
      'a transitive key not among the tags',
      { RoleArn: DEPLOY_ROLE, RoleSessionName: 's1', Tags: [{ Key: 'a', Value: '1' }], TransitiveTagKeys: ['b'] },
      'InvalidParameterValue',
      'The specified transitive tag key must be included in the requested tags.',
    ],
    [
      'tag keys differing only in case',
      { RoleArn: DEPLOY_ROLE, RoleSessionName: 's1', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] },
      'InvalidParameterValue',
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    ],
  ])('AssumeRole refuses %s as AWS does (test_sts_invalid_parameters, test_assume_role_tag_validation)', async (_case, input, code, message) => {
    const error = (await sts.send(new AssumeRoleCommand(input)).catch((e: unknown) => e)) as Error & { $metadata: { httpStatusCode: number } };
    expect(error.name).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('GetSessionToken returns credentials for 12 hours by default', async () => {
    const session = await sts.send(new GetSessionTokenCommand({}));
    expect(session.Credentials?.Expiration).toEqual(new Date(Date.UTC(2026, 10, 26, 22, 0, 0)));
  });

  it('answers an action it does not serve with InvalidAction naming it', async () => {
    const raw = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetFederationToken&Version=2011-06-15&Name=x' });
    expect(raw.status).toBe(400);
    expect(await raw.text()).toContain('<Code>InvalidAction</Code><Message>Could not find operation GetFederationToken for version 2011-06-15</Message>');
  });
});
