/**
 * `npm run deploy [-- <cdk deploy options>]`: `cdk deploy --all --outputs-file cdk-outputs.json` with
 * the stage's approval (infra/stacks/stage.ts): a development stage deploys without asking, prod asks
 * before any change that widens permissions or network access (`--require-approval broadening`).
 * The stage is read as the app reads it: `-c stage=prod` / `--context stage=prod`, else cdk.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployApprovalOf, stageName } from '../infra/stacks/stage';

const ROOT = path.join(__dirname, '..');

/** The value of a `-c key=value` / `--context key=value` / `--context=key=value` option, the last one given. */
export function contextArgument(args: readonly string[], key: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^(?:-c|--context)=(.*)$/.exec(arg)?.[1];
    const pair = inline ?? (arg === '-c' || arg === '--context' ? args[i + 1] : undefined);
    if (pair?.startsWith(`${key}=`)) found = pair.slice(key.length + 1);
  }
  return found;
}

/** The `cdk` arguments for these `npm run deploy` arguments, and the stage they deploy. */
export function deployArguments(args: readonly string[], defaultStage: unknown): { stage: string; cdk: string[] } {
  const stage = stageName(contextArgument(args, 'stage') ?? defaultStage);
  const approval = deployApprovalOf(stage);
  const given = args.findIndex((arg) => arg === '--require-approval' || arg.startsWith('--require-approval='));
  if (given >= 0) {
    const value = args[given]!.includes('=') ? args[given]!.split('=')[1] : args[given + 1];
    if (approval !== 'never' && value === 'never') {
      throw new Error(`stage "${stage}" is deployed with approval (${approval}); remove --require-approval never`);
    }
    return { stage, cdk: ['deploy', '--all', '--outputs-file', 'cdk-outputs.json', ...args] };
  }
  return { stage, cdk: ['deploy', '--all', '--require-approval', approval, '--outputs-file', 'cdk-outputs.json', ...args] };
}

function main(): void {
  const { context } = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const { stage, cdk } = deployArguments(process.argv.slice(2), context?.['stage']);
  console.log(`stage ${stage}: cdk ${cdk.join(' ')}`);
  // npm run puts node_modules/.bin on the PATH; Windows needs the shell to run cdk.cmd.
  const result = spawnSync('cdk', cdk, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw result.error;
  process.exitCode = result.status ?? 1;
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
