import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { placeholderAssets, type PlaceholderAsset } from './placeholder-assets';

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

/** Runs `cdk synth` into `directory` (with another app command when given). */
function cdkSynth(directory: string, app?: { command: string; entry: string }): void {
  execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', directory, ...(app === undefined ? [] : ['--app', app.command])], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Synthesizes the app (`cdk synth`) when the cloud assembly is missing, older than the sources it
 * is built from, or was written without bundling (`cdk bootstrap` leaves one whose functions' code
 * is the project root: see placeholder-assets.ts), so commands that read `cdk.out` never run stale
 * or placeholder handler code.
 */
export function ensureAssembly(
  directory = path.join(ROOT, 'cdk.out'),
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  /** Another app entry than cdk.json's (`npx tsx bench/naive-app.ts`); its file counts as a source. */
  app?: { command: string; entry: string },
  /** How to synthesize (tests stand in for the CDK CLI). */
  synthesize: (directory: string, app?: { command: string; entry: string }) => void = cdkSynth,
): string {
  const manifest = path.join(directory, 'manifest.json');
  const built = fs.existsSync(manifest) ? fs.statSync(manifest).mtimeMs : 0;
  const sources = Math.max(...[...SOURCES, ...(app === undefined ? [] : [app.entry])].map((s) => path.join(ROOT, s)).filter(fs.existsSync).map(newestChange));
  const placeholders = built >= sources ? placeholderAssets(directory) : [];
  if (built >= sources && placeholders.length === 0) return directory;
  if (built === 0) log('no cloud assembly yet: synthesizing (cdk synth)...');
  else if (built < sources) log('sources changed since the last synth: synthesizing (cdk synth)...');
  else log(`the cloud assembly was written without bundling (as \`cdk bootstrap\` writes it): ${describe(placeholders)}: synthesizing (cdk synth)...`);
  synthesize(directory, app);
  const left = placeholderAssets(directory);
  if (left.length > 0) log(`still not bundled after cdk synth (is bundling turned off in the app's context?): ${describe(left)}`);
  return directory;
}

function describe(placeholders: readonly PlaceholderAsset[]): string {
  const first = placeholders[0]!;
  const others = placeholders.length > 1 ? ` and ${placeholders.length - 1} more` : '';
  return `the code of ${first.function} is ${first.assetDirectory}${others}`;
}
