import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The CDK project: the working directory, where cdk.json is. */
const ROOT = process.cwd();
/** What a synthesized assembly is built from; any of them newer than the manifest means stale. */
const SOURCES = ['cdk.json', 'package-lock.json', ...readAppSources()];

/** The folders of the app: every top-level folder with TypeScript sources except tooling ones. */
function readAppSources(): string[] {
  const ignored = new Set(['node_modules', 'cdk.out', 'test', 'local', 'bench', 'scripts', '.git', '.local', 'coverage']);
  if (!fs.existsSync(path.join(ROOT, 'cdk.json'))) return [];
  return fs.readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isDirectory() && !ignored.has(e.name) && !e.name.startsWith('.')).map((e) => e.name);
}

function newestChange(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(entry).reduce((newest, child) => Math.max(newest, newestChange(path.join(entry, child))), stat.mtimeMs);
}

/**
 * Synthesizes the app (`cdk synth`) when the cloud assembly is missing or older than the sources it
 * is built from, so commands that read `cdk.out` never run stale handler code.
 */
export function ensureAssembly(
  directory = path.join(ROOT, 'cdk.out'),
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  /** Another app entry than cdk.json's (`npx tsx bench/naive-app.ts`); its file counts as a source. */
  app?: { command: string; entry: string },
): string {
  const manifest = path.join(directory, 'manifest.json');
  const built = fs.existsSync(manifest) ? fs.statSync(manifest).mtimeMs : 0;
  const sources = Math.max(...[...SOURCES, ...(app === undefined ? [] : [app.entry])].map((s) => path.join(ROOT, s)).filter(fs.existsSync).map(newestChange));
  if (built >= sources) return directory;
  log(built === 0 ? 'no cloud assembly yet: synthesizing (cdk synth)...' : 'sources changed since the last synth: synthesizing (cdk synth)...');
  execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', directory, ...(app === undefined ? [] : ['--app', app.command])], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return directory;
}
