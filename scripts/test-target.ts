/**
 * `npm run test:localstack` / `npm run test:aws`: the e2e scenarios against a deployed stack.
 * Stops with a message saying how to start the target, and a non-zero exit, when it cannot be reached
 * or the app is not deployed there. Not part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { checkReachable } from './reachability';
import { readOutputsFile, targetSettings } from './targets';

async function main(): Promise<number> {
  const name = process.argv[2];
  if (name !== 'localstack' && name !== 'aws') {
    process.stderr.write('usage: tsx scripts/test-target.ts <localstack|aws>\n');
    return 2;
  }
  const reachable = await checkReachable(name);
  if (!reachable.ok) {
    process.stderr.write(`test:${name}: ${reachable.message}\n`);
    return 1;
  }
  const settings = targetSettings(name);
  try {
    readOutputsFile(settings.outputsFile, name === 'localstack' ? 'npm run localstack:deploy' : 'npm run deploy');
  } catch (error) {
    process.stderr.write(`test:${name}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write(`test:${name}: ${reachable.detail}; outputs ${path.relative(process.cwd(), settings.outputsFile)}\n`);
  const jest = spawnSync('npx', ['jest', '--config', 'jest.remote.config.js'], { stdio: 'inherit', env: { ...process.env, PIPELINE_TARGET: name } });
  return jest.status ?? 1;
}

main().then((code) => process.exit(code));
