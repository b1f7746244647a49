import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { App } from 'aws-cdk-lib';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildShop } from '../../infra/shop';
import { ensureAssembly } from '../../local/assembly/ensure-assembly';
import { placeholderAssets } from '../../local/assembly/placeholder-assets';
import { startLocalCloud } from '../../local/cloud';
import { appContext } from '../support/synth';

const ROOT = path.join(__dirname, '..', '..');
const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The app synthesized as `cdk bootstrap` leaves `cdk.out`: the CLI runs it with
 * `aws:cdk:bundling-stacks` = [] (no bundling) and its usual path and asset metadata.
 */
function placeholderAssembly(): string {
  const outdir = tempDir('placeholder-assembly-');
  const app = new App({ outdir, context: { ...appContext({ 'aws:cdk:bundling-stacks': [] }), 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true } });
  buildShop(app);
  app.synth();
  return outdir;
}

/** A copy of the run's bundled assembly (global-setup.ts), synthesized later than any source. */
function bundledCopy(into = tempDir('bundled-assembly-')): string {
  fs.cpSync(process.env['TEST_ASSEMBLY']!, into, { recursive: true });
  return into;
}

/** Dates the manifest after every source, so only the placeholder check can ask for a synth. */
function markFresh(directory: string): void {
  const later = new Date(Date.now() + 3_600_000);
  fs.utimesSync(path.join(directory, 'manifest.json'), later, later);
}

describe('an assembly written without bundling (as cdk bootstrap leaves cdk.out)', () => {
  let placeholder: string;
  beforeAll(() => {
    placeholder = placeholderAssembly();
  });

  it('is recognized: every function\'s code is the project root, not a bundle', () => {
    const found = placeholderAssets(placeholder);
    // Eight hops and four outbox relays.
    expect(found).toHaveLength(12);
    expect(new Set(found.map((p) => p.assetDirectory))).toEqual(new Set([ROOT]));
    expect(found.map((p) => p.function)).toContain('Shop-dev-Orders/RecordOrderFunction71599B94');
  });

  it('a bundled assembly has no placeholder', () => {
    expect(placeholderAssets(process.env['TEST_ASSEMBLY']!)).toEqual([]);
  });

  it('is synthesized again before npm start / npm run local read it, saying why', () => {
    // Prepare: the placeholder cdk.out, newer than every source (so only its placeholders can ask for a synth).
    const directory = tempDir('cdk-out-');
    fs.cpSync(placeholder, directory, { recursive: true });
    markFresh(directory);
    const logs: string[] = [];
    const synths: string[] = [];

    // Act: the synth stands in for the CDK CLI, writing what `cdk synth` writes (the bundled assembly).
    const result = ensureAssembly(directory, (line) => logs.push(line), undefined, (dir) => {
      synths.push(dir);
      fs.rmSync(dir, { recursive: true, force: true });
      bundledCopy(dir);
    });

    // Assess
    expect(result).toBe(directory);
    expect(synths).toEqual([directory]);
    expect(logs).toEqual([expect.stringMatching(/^the cloud assembly was written without bundling \(as `cdk bootstrap` writes it\): the code of Shop-dev-\S+ is .+ and 11 more: synthesizing \(cdk synth\)\.\.\.$/)]);
    expect(placeholderAssets(directory)).toEqual([]);
  });

  it('a fresh bundled assembly is used as it is (no synth)', () => {
    const directory = bundledCopy();
    markFresh(directory);
    const synth = jest.fn();
    expect(ensureAssembly(directory, () => undefined, undefined, synth)).toBe(directory);
    expect(synth).not.toHaveBeenCalled();
  });

  it('says so when a synth still leaves placeholders (bundling turned off in the app)', () => {
    const directory = tempDir('cdk-out-');
    fs.cpSync(placeholder, directory, { recursive: true });
    markFresh(directory);
    const logs: string[] = [];
    ensureAssembly(directory, (line) => logs.push(line), undefined, () => undefined);
    expect(logs[1]).toMatch(/^still not bundled after cdk synth \(is bundling turned off in the app's context\?\): the code of /);
  });
});

describe('a placeholder assembly deployed anyway (npm run local -- --app <dir>) never takes the local cloud down', () => {
  it('its function answers Runtime.ImportModuleError, every time, and the cloud keeps serving', async () => {
    // Prepare: one function whose asset names the project root, unstaged, as an unbundled placeholder does.
    const dir = tempDir('placeholder-fixture-');
    const template = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { S3Bucket: 'b', S3Key: 'root.zip' } } },
      },
    };
    fs.writeFileSync(path.join(dir, 'App.template.json'), JSON.stringify(template));
    fs.writeFileSync(path.join(dir, 'App.assets.json'), JSON.stringify({ version: '1', files: { root: { source: { path: ROOT, packaging: 'zip' }, destinations: { d: { bucketName: 'b', objectKey: 'root.zip' } } } } }));
    const artifacts = { 'App.assets': { type: 'cdk:asset-manifest', properties: { file: 'App.assets.json' } }, App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' }, dependencies: ['App.assets'] } };
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts }));
    expect(placeholderAssets(dir)).toEqual([{ function: 'App/Fn', assetDirectory: ROOT }]);
    const cloud = await startLocalCloud({ port: 0, app: dir, dynamodb: false });
    const lambda = new LambdaClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      const name = cloud.deployment!.functions[0]!.name;

      // Act
      const answers = [];
      for (let i = 0; i < 2; i++) answers.push(await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') })));
      const listed = await lambda.send(new ListFunctionsCommand({}));

      // Assess
      for (const answer of answers) {
        expect(answer.FunctionError).toBe('Unhandled');
        expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringMatching(/^Error: Cannot find module 'index'\nRequire stack:\n- /) });
      }
      expect(listed.Functions).toHaveLength(1);
    } finally {
      lambda.destroy();
      await cloud.stop();
    }
  });
});
