import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The construct metadata a CDK app adds to a function's resource to say how its code was bundled
 * (the shop's `infra/constructs/function-bundling.ts` writes it): `{ entry, options }`, the entry file
 * relative to the cloud assembly and esbuild's build options. The local cloud knows no app: this
 * type is the contract, as `aws:asset:path` is the CDK's.
 */
export const BUNDLE_METADATA_TYPE = 'local-cloud:esbuild';

/** esbuild options a bundle may be rebuilt with: settings of the output only (no paths, plugins or writes). */
const ALLOWED_OPTIONS = new Set(['bundle', 'platform', 'target', 'format', 'minify', 'keepNames', 'sourcemap', 'sourcesContent', 'external', 'define', 'loader', 'mainFields', 'banner', 'footer']);

/** How one function of the assembly was bundled. */
export interface BundleRecipe {
  readonly stackName: string;
  readonly logicalId: string;
  /** The construct path of the function's resource (`/Shop-dev-Orders/RecordOrder/Function/Resource`). */
  readonly constructPath: string;
  /** Absolute path of the entry file. */
  readonly entry: string;
  readonly options: Readonly<Record<string, unknown>>;
}

interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

interface StackArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties?: { stackName?: string };
  readonly metadata?: Record<string, MetadataEntry[]>;
  /** Newer CDK versions write a stack's metadata to its own file (`<stack>.metadata.json`). */
  readonly additionalMetadataFile?: string;
}

/**
 * The bundle recipes the assembly in `assemblyDirectory` carries, one per function resource that has
 * the metadata; `problems` names the entries that could not be used (a bad shape, an option outside
 * the allowed list), so the caller can say why a function is not watched.
 */
export function readBundleRecipes(assemblyDirectory: string): { recipes: BundleRecipe[]; problems: string[] } {
  const directory = path.resolve(assemblyDirectory);
  const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as { artifacts?: Record<string, StackArtifact> };
  const recipes: BundleRecipe[] = [];
  const problems: string[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const stackName = artifact.properties?.stackName ?? artifact.displayName ?? id;
    const metadata: Record<string, MetadataEntry[]> = { ...(artifact.metadata ?? {}) };
    if (artifact.additionalMetadataFile !== undefined) {
      const extra = JSON.parse(fs.readFileSync(path.join(directory, artifact.additionalMetadataFile), 'utf8')) as Record<string, MetadataEntry[]>;
      for (const [constructPath, entries] of Object.entries(extra)) metadata[constructPath] = [...(metadata[constructPath] ?? []), ...entries];
    }
    for (const [constructPath, entries] of Object.entries(metadata)) {
      const bundle = entries.find((entry) => entry.type === BUNDLE_METADATA_TYPE);
      if (bundle === undefined) continue;
      const logicalId = entries.find((entry) => entry.type === 'aws:cdk:logicalId')?.data;
      const data = bundle.data as { entry?: unknown; options?: unknown } | undefined;
      if (typeof logicalId !== 'string' || typeof data?.entry !== 'string' || typeof data.options !== 'object' || data.options === null) {
        problems.push(`${constructPath}: ${BUNDLE_METADATA_TYPE} must be { entry: string, options: object } on a resource with a logical id`);
        continue;
      }
      const unknown = Object.keys(data.options).filter((key) => !ALLOWED_OPTIONS.has(key));
      if (unknown.length > 0) {
        problems.push(`${constructPath}: esbuild option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} cannot be used to rebuild (allowed: ${[...ALLOWED_OPTIONS].join(', ')})`);
        continue;
      }
      recipes.push({ stackName, logicalId, constructPath, entry: path.resolve(directory, data.entry), options: data.options as Record<string, unknown> });
    }
  }
  return { recipes, problems };
}

/**
 * The project files a deployed bundle was built from, from its source map's `sources` (relative to
 * the map, as esbuild writes them): what to watch before the first rebuild reports its own inputs.
 * Packages (`node_modules`) are left out: a package changes with `npm install`, which needs a restart.
 */
export function bundleSources(codeDirectory: string, file = 'index.js.map'): string[] {
  const mapFile = path.join(codeDirectory, file);
  if (!fs.existsSync(mapFile)) return [];
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sources?: unknown; sourceRoot?: unknown };
  if (!Array.isArray(map.sources)) return [];
  const root = path.resolve(codeDirectory, typeof map.sourceRoot === 'string' ? map.sourceRoot : '');
  return map.sources
    .filter((source): source is string => typeof source === 'string')
    .map((source) => path.resolve(root, source))
    .filter((file) => !file.split(path.sep).includes('node_modules'));
}
