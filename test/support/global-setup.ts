import { App } from 'aws-cdk-lib';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildShop } from '../../infra/shop';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/dynamodb-local';
import { appContext } from './synth';

declare global {
  // eslint-disable-next-line no-var
  var __DYNAMODB_LOCAL__: DynamoDbLocal | undefined;
  // eslint-disable-next-line no-var
  var __TEST_ASSEMBLY__: string | undefined;
}

/**
 * Once per run: one DynamoDB Local (each test file creates its own uniquely named tables) and one
 * bundled cloud assembly of the app, synthesized as `cdk synth` does (esbuild bundles), for the
 * tests that run the real handlers.
 */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  globalThis.__DYNAMODB_LOCAL__ = dynamo;
  process.env['DYNAMODB_TEST_ENDPOINT'] = dynamo.endpoint;

  const assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-assembly-'));
  const context = appContext();
  delete context['aws:cdk:bundling-stacks'];
  const app = new App({ outdir: assembly, context: { ...context, 'aws:cdk:enable-path-metadata': true } });
  buildShop(app);
  app.synth();
  globalThis.__TEST_ASSEMBLY__ = assembly;
  process.env['TEST_ASSEMBLY'] = assembly;
}
