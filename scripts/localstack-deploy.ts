/**
 * `npm run localstack:deploy -- [--endpoint http://127.0.0.1:4566] [--outputs-file .localstack/cdk-outputs.json] [--output cdk.out]`
 * Bootstraps and deploys the app to LocalStack with the plain AWS CDK CLI (`npx cdk bootstrap`,
 * `npx cdk deploy --all`), pointed there by AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_S3 on LocalStack's
 * host name), as LocalStack's own `lstk cdk` does now that `cdklocal` is deprecated. Writes the outputs
 * in the `--outputs-file` format and loads the product catalog. The endpoint comes from `--endpoint`,
 * else LOCALSTACK_ENDPOINT, else 127.0.0.1:4566; one nobody answers on is refused with how to start
 * LocalStack. Prints each command it runs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { applyCdkEnvironment, cdkEnvironment, describeCommand, LOCALSTACK_DEFAULT_ENDPOINT, probeEndpoint } from './localstack-endpoint';
import { output } from './outputs';
import { readProducts, seedProducts } from './seed-products';
import { readOutputsFile, targetSettings } from './targets';

const USAGE = `usage: npm run localstack:deploy -- [--endpoint ${LOCALSTACK_DEFAULT_ENDPOINT}] [--outputs-file .localstack/cdk-outputs.json] [--output cdk.out]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      'outputs-file': { type: 'string' },
      output: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const settings = targetSettings('localstack');
  const endpoint = values.endpoint ?? settings.endpoint ?? LOCALSTACK_DEFAULT_ENDPOINT;
  const outputsFile = path.resolve(values['outputs-file'] ?? settings.outputsFile);

  const reachable = await probeEndpoint(endpoint);
  if (!reachable.ok) {
    process.stderr.write(`localstack:deploy: ${reachable.message}\n`);
    return 1;
  }
  process.stderr.write(`localstack:deploy: deploying to ${reachable.detail}\n`);

  const cdk = cdkEnvironment(endpoint);
  const env = applyCdkEnvironment(cdk);
  const assembly = values.output === undefined ? [] : ['--output', values.output];
  fs.mkdirSync(path.dirname(outputsFile), { recursive: true });
  const commands = [
    ['npx', 'cdk', 'bootstrap', ...assembly],
    ['npx', 'cdk', 'deploy', '--all', '--require-approval', 'never', '--outputs-file', outputsFile, ...assembly],
  ];
  for (const [command, ...args] of commands as [string, ...string[]][]) {
    process.stderr.write(`localstack:deploy: $ ${describeCommand(cdk, [command, ...args])}\n`);
    const run = spawnSync(command, args, { stdio: 'inherit', env });
    if (run.status !== 0) {
      process.stderr.write(`localstack:deploy: ${command} ${args.slice(0, 2).join(' ')} failed (${run.error?.message ?? `exit ${run.status ?? run.signal}`})\n`);
      return run.status ?? 1;
    }
  }

  const outputs = readOutputsFile(outputsFile, 'npm run localstack:deploy');
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cdk.set['AWS_ENDPOINT_URL'], region: cdk.set['AWS_REGION'], credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  try {
    await seedProducts(client, output(outputs, 'InventoryTableName'), readProducts(path.join('data', 'products.json')));
  } finally {
    client.destroy();
  }
  process.stderr.write(`localstack:deploy: deployed to ${reachable.detail}; outputs in ${path.relative(process.cwd(), outputsFile)}; catalog loaded\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`localstack:deploy: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
