import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AwsError } from '../../local/aws-error';
import { parseQueryParams, queryMap, queryStringList, queryStructList, requiredParam, booleanParam, type QueryGatewayService, type QueryParams } from '../../local/gateway/query-protocol';
import { element, escapeXml, queryErrorXml, queryResponseXml, XmlMap } from '../../local/gateway/query-xml';
import { Gateway } from '../../local/gateway/server';

describe('query protocol parameters', () => {
  it('reads lists of structures and of strings in member order, and maps', () => {
    // Prepare: members out of order, a value with + and percent escapes, as SDK v3 encodes them.
    const params = parseQueryParams(
      'Action=CreateStack&Parameters.member.2.ParameterKey=B&Parameters.member.1.ParameterKey=A&Parameters.member.1.ParameterValue=a%26b+c' +
        '&Parameters.member.2.UsePreviousValue=true&Capabilities.member.1=CAPABILITY_IAM&Capabilities.member.2=CAPABILITY_NAMED_IAM' +
        '&Attributes.entry.1.key=k&Attributes.entry.1.value=v&Tags=',
    );

    // Act & Assess
    expect(queryStructList(params, 'Parameters')).toEqual([{ ParameterKey: 'A', ParameterValue: 'a&b c' }, { ParameterKey: 'B', UsePreviousValue: 'true' }]);
    expect(queryStringList(params, 'Capabilities')).toEqual(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']);
    expect(queryMap(params, 'Attributes')).toEqual({ k: 'v' });
    expect(queryStructList(params, 'Tags')).toEqual([]);
    expect(queryStringList(params, 'NotificationARNs')).toBeUndefined();
  });

  it('reads nested lists inside list items', () => {
    const params = parseQueryParams('Triggers.member.1.Arn=x&Triggers.member.1.Names.member.1=a&Triggers.member.1.Names.member.2=b');
    const [trigger] = queryStructList(params, 'Triggers') ?? [];
    expect(trigger?.['Arn']).toBe('x');
    expect(queryStringList(trigger ?? {}, 'Names')).toEqual(['a', 'b']);
  });

  it('refuses a missing required parameter, a bad index and a bad boolean, naming them', () => {
    expect(() => requiredParam({}, 'StackName')).toThrow(/'stackName'/);
    expect(() => queryStringList({ 'Capabilities.member.x': 'a' }, 'Capabilities')).toThrow(/Capabilities\.member\.x/);
    expect(() => booleanParam({ DisableRollback: 'yes' }, 'DisableRollback')).toThrow(/'yes'.*DisableRollback/);
  });
});

describe('query protocol XML', () => {
  it('writes lists as members, empty lists as empty elements, dates as ISO-8601, maps as entries', () => {
    expect(element('Stacks', [{ StackName: 's', Outputs: [], Enabled: false, When: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), Skip: undefined }])).toBe(
      '<Stacks><member><StackName>s</StackName><Outputs/><Enabled>false</Enabled><When>2026-01-02T03:04:05.006Z</When></member></Stacks>',
    );
    expect(element('M', new XmlMap({ a: '1' }))).toBe('<M><entry><key>a</key><value>1</value></entry></M>');
  });

  it('escapes markup, keeps carriage returns and drops what XML cannot hold', () => {
    expect(escapeXml('a<b>&"\'\r\n\u0001')).toBe('a&lt;b&gt;&amp;&quot;&apos;&#13;\n');
  });

  it('wraps a result and an error in the envelopes the SDKs read', () => {
    expect(queryResponseXml('DeleteStack', 'urn:x', undefined, 'r1')).toContain('<DeleteStackResponse xmlns="urn:x"><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DeleteStackResponse>');
    expect(queryErrorXml('Throttling', 'slow down', 400, 'r2')).toContain('<Error><Type>Sender</Type><Code>Throttling</Code><Message>slow down</Message></Error><RequestId>r2</RequestId>');
    expect(queryErrorXml('InternalFailure', 'oops', 500, 'r3')).toContain('<Type>Receiver</Type>');
  });
});

describe('query protocol on the gateway, read by SDK v3', () => {
  const seen: Array<{ action: string; params: QueryParams }> = [];
  const fakeCloudFormation: QueryGatewayService = {
    signingName: 'cloudformation',
    name: 'cloudformation',
    version: '2010-05-15',
    xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
    async handle(action, params) {
      seen.push({ action, params });
      switch (action) {
        case 'CreateStack':
          return { StackId: `arn:aws:cloudformation:us-east-1:000000000000:stack/${requiredParam(params, 'StackName')}/1` };
        case 'DescribeStacks':
          if (params['StackName'] === 'missing') throw new AwsError('ValidationError', 'Stack with id missing does not exist');
          return {
            Stacks: [
              {
                StackName: 'app',
                CreationTime: new Date(Date.UTC(2026, 10, 26, 10, 0, 0, 123)),
                StackStatus: 'CREATE_COMPLETE',
                DisableRollback: true,
                Outputs: [{ OutputKey: 'Url', OutputValue: 'http://x?a=1&b=<2>' }],
                Capabilities: [],
                Tags: [],
              },
            ],
          };
        case 'DeleteStack':
          return undefined;
        default:
          throw new Error('a bug');
      }
    },
  };
  let gateway: Gateway;
  let client: CloudFormationClient;

  beforeAll(async () => {
    gateway = new Gateway({ host: '127.0.0.1', port: 0, services: [], query: [fakeCloudFormation] });
    const endpoint = await gateway.listen();
    client = new CloudFormationClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await gateway.close();
  });

  it('passes the flattened input and answers a result the SDK reads: dates, booleans, lists, empty lists', async () => {
    // Act
    const created = await client.send(
      new CreateStackCommand({ StackName: 'app', Parameters: [{ ParameterKey: 'A', ParameterValue: '1' }], Capabilities: ['CAPABILITY_IAM'], Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    const described = await client.send(new DescribeStacksCommand({ StackName: 'app' }));
    const deleted = await client.send(new DeleteStackCommand({ StackName: 'app' }));

    // Assess
    expect(created.StackId).toBe('arn:aws:cloudformation:us-east-1:000000000000:stack/app/1');
    const input = seen.find((s) => s.action === 'CreateStack')!.params;
    expect(queryStructList(input, 'Parameters')).toEqual([{ ParameterKey: 'A', ParameterValue: '1' }]);
    expect(queryStringList(input, 'Capabilities')).toEqual(['CAPABILITY_IAM']);
    expect(queryStructList(input, 'Tags')).toEqual([{ Key: 'k', Value: 'v' }]);
    const stack = described.Stacks?.[0];
    expect(stack?.CreationTime).toEqual(new Date(Date.UTC(2026, 10, 26, 10, 0, 0, 123)));
    expect(stack?.DisableRollback).toBe(true);
    expect(stack?.Outputs).toEqual([{ OutputKey: 'Url', OutputValue: 'http://x?a=1&b=<2>' }]);
    expect(stack?.Capabilities).toEqual([]);
    expect(deleted.$metadata.httpStatusCode).toBe(200);
  });

  it('answers a service error the SDK reads as its code and message', async () => {
    const error = await client.send(new DescribeStacksCommand({ StackName: 'missing' })).catch((e: unknown) => e as Error & { Code?: string; $metadata?: { httpStatusCode?: number } });
    expect(error).toMatchObject({ name: 'ValidationError', message: 'Stack with id missing does not exist' });
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('answers a bug as InternalFailure and keeps serving', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    // Act: unsigned, so picked by its Version.
    const raw = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListStacks&Version=2010-05-15' });
    const after = await client.send(new CreateStackCommand({ StackName: 'x' }));
    warn.mockRestore();

    // Assess
    expect(raw.status).toBe(500);
    expect(await raw.text()).toContain('<Type>Receiver</Type><Code>InternalFailure</Code>');
    expect(after.StackId).toContain('stack/x/');
  });

  it('refuses an Action that cannot be an operation name, and a missing one, with the query error', async () => {
    const post = (body: string) => fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const odd = await post('Action=%3Cx%3E&Version=2010-05-15');
    const missing = await post('Version=2010-05-15&StackName=x');
    expect(odd.status).toBe(400);
    expect(await odd.text()).toContain('<Code>InvalidAction</Code><Message>Could not find operation &lt;x&gt; for version 2010-05-15</Message>');
    expect(await missing.text()).toContain('<Code>MissingAction</Code>');
    expect(seen.some((s) => s.action === '<x>')).toBe(false);
  });

  it("leaves SQS's query protocol to the JSON answer that tells the client to use the JSON protocol", async () => {
    const raw = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x' },
      body: 'Action=ListQueues&Version=2012-11-05',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ __type: 'UnsupportedProtocol' });
  });

  it('refuses a query request for a service it does not serve, naming it', async () => {
    const raw = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=AK/20261126/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x' },
      body: 'Action=ListRoles&Version=2010-05-08',
    });
    expect(raw.status).toBe(400);
    expect(await raw.text()).toMatch(/<Code>InvalidAction<\/Code><Message>No service here answers the query protocol for signing name iam/);
  });
});
