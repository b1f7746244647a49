/**
 * `npm run localstack:deploy`: bootstraps and deploys the app to LocalStack with cdklocal (assets
 * bundled by the local esbuild, never Docker), writes the outputs in the `--outputs-file` format to
 * .localstack/cdk-outputs.json, and loads the product catalog.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkReachable } from './reachability';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from './client-config';
import { readProducts, seedProducts } from './seed-products';
import { output } from './outputs';
import { readOutputsFile, targetSettings } from './targets';

async function main(): Promise<number> {
  const reachable = await checkReachable('localstack');
  if (!reachable.ok) {
    process.stderr.write(`localstack:deploy: ${reachable.message}\n`);
    return 1;
  }
  const settings = targetSettings('localstack');
  const env = { ...process.env, AWS_ENDPOINT_URL: settings.endpoint, AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  fs.mkdirSync(path.dirname(settings.outputsFile), { recursive: true });
  for (const args of [['bootstrap'], ['deploy', '--all', '--require-approval', 'never', '--outputs-file', settings.outputsFile]]) {
    const run = spawnSync('npx', ['cdklocal', ...args], { stdio: 'inherit', env });
    if (run.status !== 0) return run.status ?? 1;
  }
  const outputs = readOutputsFile(settings.outputsFile, 'npm run localstack:deploy');
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(settings.endpoint)));
  await seedProducts(client, output(outputs, 'InventoryTableName'), readProducts(path.join('data', 'products.json')));
  client.destroy();
  process.stderr.write(`deployed to ${reachable.detail}; outputs in ${path.relative(process.cwd(), settings.outputsFile)}\n`);
  return 0;
}

main().then((code) => process.exit(code));
