import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalFunction } from '../lambda/lambda-service';
import type { SandboxConfig } from '../lambda/sandbox';
import { BUNDLE_METADATA_TYPE, bundleSources, readBundleRecipes, type BundleRecipe } from './bundle-metadata';
import { FunctionBundler } from './function-bundler';
import { SourceWatcher } from './source-watcher';

/** What live reload needs of Lambda: find a function, give it new code. */
export interface FunctionSwapper {
  find(name: string): LocalFunction | undefined;
  /** Idle sandboxes stop now, busy ones once their invocation ends (LambdaService.reconfigure). */
  reconfigure(fn: LocalFunction, config: Omit<SandboxConfig, 'onLog'>): void;
}

export interface HotReloadOptions {
  /** The cloud assembly the app was deployed from (`cdk.out`): its bundle metadata says what to rebuild and how. */
  readonly assemblyDirectory: string;
  readonly lambda: FunctionSwapper;
  /** The physical id CloudFormation gave a stack's resource (the function's name). */
  readonly physicalId: (stackName: string, logicalId: string) => string | undefined;
  readonly log: (line: string) => void;
  /** Where the rebuilt bundles go (removed on close when created here). @default a new folder under `<workingDirectory>/.local` */
  readonly buildDirectory?: string;
  /** Where esbuild runs; error locations are relative to it. @default the current directory */
  readonly workingDirectory?: string;
  /** Quiet time after a change before rebuilding, so an editor's several writes make one build. @default 15 */
  readonly debounceMs?: number;
  /** Told of each reload and each failed rebuild. */
  readonly onReload?: (event: ReloadEvent) => void;
}

export type ReloadEvent =
  | { readonly function: string; readonly ok: true; readonly directory: string; readonly durationMs: number }
  | { readonly function: string; readonly ok: false; readonly summary: readonly string[] };

export interface HotReload {
  /** The functions watched, by name. */
  readonly functions: readonly string[];
  /** Resolves once every source is watched and every function built once (later rebuilds are incremental). */
  readonly ready: Promise<void>;
  /** Stops watching; the functions get their deployed code back. */
  close(): Promise<void>;
}

interface Watched {
  readonly name: string;
  readonly recipe: BundleRecipe;
  readonly bundler: FunctionBundler;
  readonly deployedCode: string;
  inputs: Set<string>;
  timer?: NodeJS.Timeout;
  /** When the first unbuilt change was seen (the reload's time counts from there). */
  changedAt?: number;
  building?: Promise<void>;
  again: boolean;
}

/**
 * Live reload of the deployed functions (`npm run local -- --watch`). Which functions, from which
 * entry, with which esbuild options: the metadata the CDK app recorded on each function's resource
 * (bundle-metadata.ts), joined to the deployed function through its logical id and the stack's
 * physical ids. That is robust where the alternatives guess: a bundle's source map lists every file
 * in it but not which is the entry, nor the options it was built with. The source map does give the
 * files to watch before the first rebuild; from then on esbuild's metafile gives them.
 *
 * A change rebuilds every function whose bundle includes the file (esbuild's incremental context,
 * the same options as the CDK), writes the bundle to a new folder and points the function at it:
 * idle sandboxes stop, busy ones finish their invocation first (LambdaService.reconfigure), so the
 * next invocation starts on the new code; queues and tables are not touched. A rebuild that fails
 * leaves the running code as it was and prints esbuild's errors with file:line:column.
 */
export function startHotReload(options: HotReloadOptions): HotReload {
  const log = options.log;
  const workingDirectory = path.resolve(options.workingDirectory ?? process.cwd());
  const ownDirectory = options.buildDirectory === undefined;
  const buildDirectory = options.buildDirectory ?? (fs.mkdirSync(path.join(workingDirectory, '.local'), { recursive: true }), fs.mkdtempSync(path.join(workingDirectory, '.local', 'watch-')));
  const debounceMs = options.debounceMs ?? 15;

  const { recipes, problems } = readBundleRecipes(options.assemblyDirectory);
  for (const problem of problems) log(`watch: not watched: ${problem}`);
  if (recipes.length === 0) log(`watch: no function of ${options.assemblyDirectory} says how it was bundled (construct metadata ${BUNDLE_METADATA_TYPE}): nothing to watch`);
  const watched: Watched[] = [];
  for (const recipe of recipes) {
    const name = options.physicalId(recipe.stackName, recipe.logicalId);
    const fn = name === undefined ? undefined : options.lambda.find(name);
    if (name === undefined || fn === undefined) {
      log(`watch: not watched: ${recipe.constructPath} is not a deployed function`);
      continue;
    }
    const bundler = new FunctionBundler(recipe.entry, recipe.options, path.join(buildDirectory, safeName(name)), workingDirectory);
    const inputs = new Set([recipe.entry, ...bundleSources(fn.config.assetDirectory)]);
    watched.push({ name, recipe, bundler, deployedCode: fn.config.assetDirectory, inputs, again: false });
  }

  const byFile = new Map<string, Set<Watched>>();
  const index = (entry: Watched) => {
    for (const file of entry.inputs) byFile.set(file, (byFile.get(file) ?? new Set()).add(entry));
  };
  watched.forEach(index);
  /** The files a build read: watched from now on, a change to one rebuilds `entry` (the watcher skips those it has). */
  const learn = (entry: Watched, inputs: readonly string[]) => {
    entry.inputs = new Set([...entry.inputs, ...inputs]);
    index(entry);
    watcher.add(inputs);
  };

  const rebuild = async (entry: Watched): Promise<void> => {
    entry.again = false;
    const changedAt = entry.changedAt ?? performance.now();
    entry.changedAt = undefined;
    const built = await entry.bundler.build();
    if (!built.ok) {
      log(`reload of ${entry.name} failed: it keeps running its previous code. esbuild:\n${built.details.trimEnd()}`);
      options.onReload?.({ function: entry.name, ok: false, summary: built.summary });
      return;
    }
    const fn = options.lambda.find(entry.name);
    if (fn === undefined) return;
    options.lambda.reconfigure(fn, { ...fn.config, assetDirectory: built.directory });
    const durationMs = Math.round(performance.now() - changedAt);
    log(`reloaded ${entry.name} in ${durationMs} ms`);
    options.onReload?.({ function: entry.name, ok: true, directory: built.directory, durationMs });
    learn(entry, built.inputs);
  };

  // One build at a time per function; a change during a build makes one more build after it.
  const schedule = (entry: Watched) => {
    entry.changedAt ??= performance.now();
    if (entry.building !== undefined) {
      entry.again = true;
      return;
    }
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.building = rebuild(entry)
        .catch((error: unknown) => log(`reload of ${entry.name} failed: ${(error as Error).message}`))
        .finally(() => {
          entry.building = undefined;
          if (entry.again) schedule(entry);
        });
    }, debounceMs);
  };

  const watcher = new SourceWatcher(byFile.keys(), (file) => {
    for (const entry of byFile.get(file) ?? []) schedule(entry);
  });

  // Every function built once, one after the other (in the background: the cloud serves meanwhile),
  // so that the first reload is an incremental build, well inside the second a reload may take.
  let closed = false;
  const warm = (async () => {
    for (const entry of watched) {
      // A function changed before its turn has been built by that change.
      if (closed || entry.building !== undefined || entry.changedAt !== undefined) continue;
      entry.building = entry.bundler.build().then(
        (first) => {
          if (first.ok) {
            learn(entry, first.inputs);
          } else {
            log(`watch: ${entry.name} does not build from its sources now (it runs its deployed code until it does):\n${first.details.trimEnd()}`);
          }
        },
        (error: unknown) => log(`watch: ${entry.name} could not be built: ${(error as Error).message}`),
      );
      await entry.building;
      entry.building = undefined;
      if (entry.again) schedule(entry);
    }
  })();

  return {
    functions: watched.map((entry) => entry.name),
    ready: Promise.all([watcher.ready, warm]).then(() => undefined),
    close: async () => {
      closed = true;
      await watcher.close();
      for (const entry of watched) clearTimeout(entry.timer);
      await Promise.allSettled([warm, ...watched.map((entry) => entry.building)]);
      for (const entry of watched) {
        const fn = options.lambda.find(entry.name);
        if (fn !== undefined && fn.config.assetDirectory !== entry.deployedCode) options.lambda.reconfigure(fn, { ...fn.config, assetDirectory: entry.deployedCode });
        await entry.bundler.dispose();
      }
      if (ownDirectory) fs.rmSync(buildDirectory, { recursive: true, force: true });
    },
  };
}

/** The physical ids of a stack engine's resources, as `physicalId` wants them. */
export function physicalIds(engine: { get(stackName: string): { resources: ReadonlyArray<{ logicalResourceId: string; physicalResourceId?: string }> } | undefined }): HotReloadOptions['physicalId'] {
  return (stackName, logicalId) => engine.get(stackName)?.resources.find((resource) => resource.logicalResourceId === logicalId)?.physicalResourceId;
}

/** A function's name as a folder name. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
