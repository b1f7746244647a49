import type { CloudAssembly } from './cloud-assembly';

/** A Lambda function of the assembly, as its template declares it (values unresolved). */
export interface AssemblyFunction {
  readonly stackName: string;
  readonly logicalId: string;
  /** The construct path, e.g. `Shop-dev-Orders/RecordOrder/Function`. */
  readonly constructPath: string;
  /** A short name: the construct that owns the function (`RecordOrder`), else the logical id. */
  readonly name: string;
  /** The folder of the bundled code that `cdk deploy` would upload. */
  readonly assetDirectory: string;
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, unknown>>;
}

/** Every `AWS::Lambda::Function` of the assembly whose code is a local asset. */
export function listFunctions(assembly: CloudAssembly): AssemblyFunction[] {
  return assembly.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([logicalId, resource]) => {
        const props = resource.Properties ?? {};
        const code = props['Code'] as { S3Key?: unknown } | undefined;
        const objectKey = typeof code?.S3Key === 'string' ? code.S3Key : undefined;
        const assetDirectory = objectKey === undefined ? undefined : stack.assetsByObjectKey.get(objectKey);
        if (assetDirectory === undefined) {
          throw new Error(`function ${stack.name}/${logicalId} has no local asset (Code.S3Key ${JSON.stringify(code?.S3Key)}): inline or external code is not supported`);
        }
        const cdkPath = resource.Metadata?.['aws:cdk:path'];
        const path = typeof cdkPath === 'string' ? cdkPath.replace(/\/Resource$/, '') : `${stack.name}/${logicalId}`;
        const segments = path.split('/');
        // Without path metadata, CDK's logical id still starts with the construct path: RecordOrderFunction1A2B3C4D.
        const name =
          typeof cdkPath === 'string' && segments.length > 2 ? segments[segments.length - 2]! : logicalId.replace(/[0-9A-F]{8}$/, '').replace(/Function$/, '') || logicalId;
        return {
          name,
          stackName: stack.name,
          logicalId,
          constructPath: path,
          assetDirectory,
          handler: String(props['Handler'] ?? 'index.handler'),
          runtime: String(props['Runtime'] ?? 'nodejs22.x'),
          timeoutSeconds: Number(props['Timeout'] ?? 3),
          memoryMb: Number(props['MemorySize'] ?? 128),
          environment: ((props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}),
        };
      }),
  );
}

/**
 * Finds a function by a name a person would type: the construct id (`RecordOrder`, `record-order`),
 * the construct path, or the logical id. Ambiguous or unknown names get an error listing the choices.
 */
export function findFunction(functions: readonly AssemblyFunction[], name: string): AssemblyFunction {
  const normalize = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  const wanted = normalize(name);
  const candidates = functions.filter((fn) =>
    [fn.constructPath, fn.logicalId, fn.name, `${fn.stackName}/${fn.name}`].some((option) => normalize(option) === wanted),
  );
  const choices = functions.map((fn) => fn.name).join(', ');
  if (candidates.length === 0) throw new Error(`no function named "${name}"; the app has: ${choices}`);
  if (candidates.length > 1) throw new Error(`"${name}" names ${candidates.length} functions (${candidates.map((c) => c.constructPath).join(', ')}): use the construct path`);
  return candidates[0]!;
}
