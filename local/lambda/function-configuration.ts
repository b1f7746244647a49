import type { LocalFunction } from './lambda-service';

/** `LastModified` as Lambda writes it: ISO 8601 with milliseconds and a `+0000` offset. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/**
 * A function's `FunctionConfiguration` as GetFunctionConfiguration answers it. `status` gives the
 * state a create or update call reports while it is still applying (`Pending`, `InProgress`);
 * otherwise the function is `Active` and its last update `Successful`.
 */
export function functionConfiguration(fn: LocalFunction, region: string, accountId: string, status: 'created' | 'updated' | 'settled' = 'settled'): Record<string, unknown> {
  const details = fn.details;
  const variables = fn.config.environment;
  const showEnvironment = details === undefined ? Object.keys(variables).length > 0 : details.hasEnvironment;
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.config.runtime,
    Role: details?.role ?? `arn:aws:iam::${accountId}:role/local-cloud`,
    Handler: fn.config.handler,
    CodeSize: details?.codeSize ?? 0,
    Description: details?.description ?? '',
    Timeout: fn.config.timeoutSeconds,
    MemorySize: fn.config.memoryMb,
    LastModified: details?.lastModified ?? lambdaTimestamp(Date.now()),
    CodeSha256: details?.codeSha256 ?? '',
    Version: '$LATEST',
    ...(showEnvironment ? { Environment: { Variables: { ...variables } } } : {}),
    ...(fn.deadLetterTargetArn === undefined ? {} : { DeadLetterConfig: { TargetArn: fn.deadLetterTargetArn } }),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: details?.revisionId ?? '00000000-0000-0000-0000-000000000000',
    ...(status === 'created'
      ? { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' }
      : status === 'updated'
        ? { State: 'Active', LastUpdateStatus: 'InProgress', LastUpdateStatusReason: 'The function is being created.', LastUpdateStatusReasonCode: 'Creating' }
        : { State: 'Active', LastUpdateStatus: 'Successful' }),
    PackageType: 'Zip',
    Architectures: details?.architectures ?? ['x86_64'],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: `arn:aws:lambda:${region}::runtime:${runtimeVersionId(fn.config.runtime)}` },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
  };
}

/** A stable stand-in for the runtime version's id (AWS publishes a hash per runtime release). */
function runtimeVersionId(runtime: string): string {
  let hash = 0;
  for (const char of runtime) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(16).padStart(8, '0').repeat(8);
}
