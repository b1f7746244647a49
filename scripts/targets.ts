import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputsFile } from '../local/assembly/references';

/** The places the pipeline runs, and how tools reach each of them. */
export type TargetName = 'local' | 'localstack' | 'aws';

export interface TargetSettings {
  readonly name: TargetName;
  /** The endpoint SDK clients use; undefined for AWS itself. */
  readonly endpoint: string | undefined;
  /** The `--outputs-file` its deploy command writes. */
  readonly outputsFile: string;
  /** How to bring the target up, for messages. */
  readonly howToStart: string;
}

/** Reads PIPELINE_TARGET (default local); anything else is an error naming the choices. */
export function targetFromEnv(value = process.env['PIPELINE_TARGET']): TargetName {
  const name = value ?? 'local';
  if (name !== 'local' && name !== 'localstack' && name !== 'aws') throw new Error(`PIPELINE_TARGET must be local, localstack or aws, got "${name}"`);
  return name;
}

export function targetSettings(name: TargetName, root = process.cwd()): TargetSettings {
  switch (name) {
    case 'local':
      return { name, endpoint: process.env['AWS_ENDPOINT_URL'] ?? 'http://127.0.0.1:4566', outputsFile: path.join(root, '.local', 'cdk-outputs.json'), howToStart: 'npm run local' };
    case 'localstack':
      return {
        name,
        endpoint: process.env['LOCALSTACK_ENDPOINT'] ?? 'http://127.0.0.1:4566',
        outputsFile: path.join(root, '.localstack', 'cdk-outputs.json'),
        howToStart: 'start Docker, then: npm run localstack:up && npm run localstack:deploy (LocalStack 4.14.0 starts without a token; newer images need LOCALSTACK_AUTH_TOKEN)',
      };
    case 'aws':
      return { name, endpoint: undefined, outputsFile: path.join(root, 'cdk-outputs.json'), howToStart: 'configure AWS credentials (aws configure / AWS_PROFILE), then: npx cdk bootstrap && npm run deploy' };
  }
}

/** Reads a `cdk deploy --outputs-file` file; a missing or malformed one is an error saying how to make it. */
export function readOutputsFile(file: string, howToMake: string): OutputsFile {
  if (!fs.existsSync(file)) throw new Error(`no stack outputs at ${file}: deploy first (${howToMake})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  const valid = parsed !== null && typeof parsed === 'object' && Object.values(parsed).every((v) => v !== null && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'string'));
  if (!valid) throw new Error(`${file} is not a cdk deploy --outputs-file file ({ stack: { key: value } })`);
  return parsed as OutputsFile;
}
