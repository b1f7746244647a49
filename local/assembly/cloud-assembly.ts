import * as fs from 'node:fs';
import * as path from 'node:path';

/** A CloudFormation template as synthesized by CDK (only what the local cloud reads). */
export interface Template {
  Resources?: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Default?: unknown; Type?: string }>;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
}

export interface AssemblyStack {
  readonly name: string;
  readonly template: Template;
  /** Stacks that must exist first (cross-stack references). */
  readonly dependencies: readonly string[];
  /** Asset folders by the S3 object key the template points at (`<hash>.zip`). */
  readonly assetsByObjectKey: ReadonlyMap<string, string>;
}

export interface CloudAssembly {
  readonly directory: string;
  /** In dependency order: a stack comes after every stack it depends on. */
  readonly stacks: readonly AssemblyStack[];
}

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: { templateFile?: string; file?: string; stackName?: string }; dependencies?: string[]; displayName?: string }>;
}

interface AssetManifest {
  files?: Record<string, { source: { path?: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }>;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** Reads `cdk.out` (manifest, templates, asset manifests) without running any CDK code. */
export function readCloudAssembly(assemblyDirectory: string): CloudAssembly {
  // Asset folders are used from other working directories (sandboxes): keep every path absolute.
  const directory = path.resolve(assemblyDirectory);
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`no cloud assembly at ${directory} (missing manifest.json): run \`npm run synth\` first`);
  }
  const artifacts = readJson<Manifest>(manifestFile).artifacts ?? {};
  const stackIds = Object.keys(artifacts).filter((id) => artifacts[id]!.type === 'aws:cloudformation:stack');
  const stacks = new Map<string, AssemblyStack>();
  for (const id of stackIds) {
    const artifact = artifacts[id]!;
    const assetsByObjectKey = new Map<string, string>();
    for (const dependency of artifact.dependencies ?? []) {
      const assets = artifacts[dependency];
      if (assets?.type !== 'cdk:asset-manifest' || assets.properties?.file === undefined) continue;
      const manifest = readJson<AssetManifest>(path.join(directory, assets.properties.file));
      for (const file of Object.values(manifest.files ?? {})) {
        if (file.source.path === undefined) continue;
        // Relative to the assembly when staged (`asset.<hash>`); absolute when not (`--no-staging`, or the
        // project root an unbundled placeholder names): `join` would graft an absolute path under the assembly.
        for (const destination of Object.values(file.destinations)) {
          assetsByObjectKey.set(destination.objectKey, path.resolve(directory, file.source.path));
        }
      }
    }
    stacks.set(id, {
      name: artifact.properties?.stackName ?? artifact.displayName ?? id,
      template: readJson<Template>(path.join(directory, artifact.properties!.templateFile!)),
      dependencies: (artifact.dependencies ?? []).filter((d) => stackIds.includes(d)),
      assetsByObjectKey,
    });
  }
  return { directory, stacks: inDependencyOrder(stacks) };
}

function inDependencyOrder(stacks: Map<string, AssemblyStack>): AssemblyStack[] {
  const ordered: AssemblyStack[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`stacks depend on each other in a cycle: ${[...trail, id].join(' -> ')}`);
    state.set(id, 'visiting');
    const stack = stacks.get(id)!;
    for (const dependency of stack.dependencies) visit(dependency, [...trail, id]);
    state.set(id, 'done');
    ordered.push(stack);
  };
  for (const id of stacks.keys()) visit(id, []);
  return ordered;
}
