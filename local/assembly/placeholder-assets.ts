import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCloudAssembly } from './cloud-assembly';

/**
 * A cloud assembly synthesized without bundling holds placeholders, not code. The CDK CLI skips
 * bundling when a command does not deploy the stacks' assets (`cdk bootstrap`, `cdk ls`, `cdk synth
 * --exclusively` for the others: the app runs with `aws:cdk:bundling-stacks` = []); a NodejsFunction's
 * asset then names the project root, unstaged, instead of a staged `asset.<hash>` folder holding the
 * bundle. Nothing in `cdk.out` records the setting (the asset metadata says `is-bundled` either way),
 * so a placeholder is told by what the function would run: a code folder that is not there, or one
 * outside the assembly (not staged) without the handler's module in it.
 */

/** A function whose code in the assembly is not runnable code. */
export interface PlaceholderAsset {
  /** `Shop-dev-Orders/RecordOrderFunction71599B94` */
  readonly function: string;
  readonly assetDirectory: string;
}

/** The functions of the assembly at `directory` whose code is a placeholder (none for a bundled assembly, or one that cannot be read). */
export function placeholderAssets(directory: string): PlaceholderAsset[] {
  let assembly: ReturnType<typeof readCloudAssembly>;
  try {
    assembly = readCloudAssembly(directory);
  } catch {
    return []; // Not for this check to report: deploying it says what is wrong.
  }
  const found: PlaceholderAsset[] = [];
  for (const stack of assembly.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const objectKey = (resource.Properties?.['Code'] as { S3Key?: unknown } | undefined)?.S3Key;
      const assetDirectory = typeof objectKey === 'string' ? stack.assetsByObjectKey.get(objectKey) : undefined;
      if (assetDirectory === undefined) continue; // Inline or external code: not an asset of this assembly.
      const handler = resource.Properties?.['Handler'];
      if (isPlaceholder(assembly.directory, assetDirectory, typeof handler === 'string' ? handler : undefined)) {
        found.push({ function: `${stack.name}/${logicalId}`, assetDirectory });
      }
    }
  }
  return found;
}

function isPlaceholder(assemblyDirectory: string, assetDirectory: string, handler: string | undefined): boolean {
  if (!fs.existsSync(assetDirectory)) return true;
  const staged = !path.relative(assemblyDirectory, assetDirectory).startsWith('..');
  // A staged folder without the module is a bad handler path, for the sandbox to report, not a placeholder.
  if (staged || handler === undefined) return false;
  const moduleName = handler.slice(0, handler.lastIndexOf('.'));
  return !['.js', '.mjs', '.cjs'].some((ext) => fs.existsSync(path.join(assetDirectory, moduleName + ext)));
}
