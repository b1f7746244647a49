import * as path from 'node:path';
import { Stage } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

/**
 * The bundling settings this file can translate into esbuild's options: only these, so a setting
 * added to the CDK bundle without a translation here fails to compile instead of making the local
 * cloud's rebuilds differ from the CDK's bundles.
 */
export interface FunctionBundling {
  readonly minify: boolean;
  readonly keepNames: boolean;
  readonly sourceMap: boolean;
  readonly target: string;
  readonly externalModules: readonly string[];
}

/** How every pipeline function is bundled: one definition for the CDK (NodejsFunction) and for the local cloud's live reload. */
export const PIPELINE_BUNDLING: FunctionBundling = {
  minify: true,
  // Error class names reach logs and DLQ triage (InvalidEventError, PublishError): keep them.
  keepNames: true,
  sourceMap: true,
  target: 'node22',
  // The SDK is bundled, not taken from the runtime: the version that was tested is the one that runs.
  externalModules: [],
};

/** NodejsFunction's `bundling` for these settings, bundled with the project's esbuild (never in Docker). */
export function cdkBundling(bundling: FunctionBundling = PIPELINE_BUNDLING): BundlingOptions {
  return { ...bundling, externalModules: [...bundling.externalModules], forceDockerBundling: false };
}

/** esbuild's build options (the names of its JS API), as JSON. */
export interface EsbuildOptions {
  readonly bundle: true;
  readonly platform: 'node';
  readonly target: string;
  readonly minify: boolean;
  readonly keepNames: boolean;
  readonly sourcemap: boolean;
  readonly external: readonly string[];
}

/**
 * The esbuild options the CDK's local bundling passes on esbuild's command line for `bundling`
 * (aws-cdk-lib/aws-lambda-nodejs/lib/bundling.ts, `buildEsbuildArgs`: `--bundle <entry> --target
 * --platform=node --outfile=<out>/index.js --minify --sourcemap --keep-names --external:<m>`, no
 * `--format`, so CommonJS), in the JS API's names: a rebuild with them writes the same bundle.
 */
export function esbuildOptions(bundling: FunctionBundling = PIPELINE_BUNDLING): EsbuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target,
    minify: bundling.minify,
    keepNames: bundling.keepNames,
    sourcemap: bundling.sourceMap,
    external: [...bundling.externalModules],
  };
}

/**
 * The construct metadata type the local cloud reads to rebuild a function's code (`npm run local --
 * --watch`): on the function's CloudFormation resource, `{ entry, options }`, `entry` relative to
 * the cloud assembly's directory. Metadata goes to the assembly's `<stack>.metadata.json`, next to the
 * resource's logical id; templates and assets stay as they were.
 */
export const BUNDLE_METADATA_TYPE = 'local-cloud:esbuild';

/**
 * Records in the cloud assembly how `fn` was bundled from `entry`, so the local cloud can rebuild it
 * exactly so when a source changes. The bundle's source map lists the files it was built from, but
 * not which of them is the entry nor the options: the construct that bundles is the one that knows both.
 */
export function recordBundle(fn: lambda.Function, entry: string, bundling: FunctionBundling = PIPELINE_BUNDLING): void {
  const outdir = Stage.of(fn)?.outdir;
  if (outdir === undefined) return;
  const resource = fn.node.defaultChild as Construct;
  resource.node.addMetadata(BUNDLE_METADATA_TYPE, { entry: path.relative(outdir, path.resolve(entry)), options: esbuildOptions(bundling) });
}
