import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock } from '../../local/clock';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { loadCases } from './case';
import { runCase, type CaseEnvironment } from './run-case';

/**
 * Runs every case of `cases/<service>/` through the AWS SDK against one local cloud (services only,
 * on a clock that moves when a case says so), one test per case, titled by its file and name.
 * `dynamodb` starts DynamoDB Local too (2–4 s more), for the files `files` selects.
 */
export function describeConformance(service: 'sqs' | 'eventbridge' | 'lambda' | 's3' | 'logs', options: { dynamodb?: boolean; files?: (file: string) => boolean } = {}): void {
  let cloud: LocalCloud;
  let env: CaseEnvironment;

  beforeAll(async () => {
    const clock = new ManualClock(Date.now());
    cloud = await startLocalCloud({ port: 0, clock, dynamodb: options.dynamodb ?? false });
    const config = { endpoint: cloud.endpoint, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    env = {
      clients: { sqs: new SQSClient(config), events: new EventBridgeClient(config), lambda: new LambdaClient(config), s3: new S3Client({ ...config, forcePathStyle: true }), logs: new CloudWatchLogsClient(config), ...(options.dynamodb ? { dynamodb: new DynamoDBClient(config) } : {}) },
      clock,
      globals: { region: cloud.region, account: cloud.accountId, endpoint: cloud.endpoint },
      // A handler running, a poller between receive and delete, or a request being served (a long poll
      // excepted) works in real time: the clock waits for it, so it never jumps under a quick call.
      busy: () => cloud.requestsInFlight() > 0 || cloud.lambda.metrics.running > 0 || cloud.mappings.runtimes().some((mapping) => mapping.busy > mapping.collecting) ||
        cloud.mappings.streamRuntimes().some((mapping) => mapping.busy > mapping.collecting),
    };
  });
  afterAll(async () => {
    for (const client of Object.values(env?.clients ?? {})) client?.destroy();
    await cloud?.stop();
  });

  const cases = loadCases(service).filter(({ file }) => options.files?.(file) ?? true);
  let counter = 0;
  describe(`${service} conformance${options.dynamodb ? ' (with DynamoDB)' : ''}`, () => {
    it.each(cases.map(({ file, testCase }) => [`${file.replace(/\.json$/, '')} › ${testCase.name}`, testCase] as const))('%s', async (_title, testCase) => {
      await runCase(testCase, env, `c${(counter++).toString(36)}${Date.now().toString(36).slice(-4)}`);
    });
  });
}
