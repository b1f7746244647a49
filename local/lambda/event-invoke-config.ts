import type { EventInvokeConfig } from './lambda-service';
import { LambdaErrors } from './lambda-errors';

/**
 * Reads PutFunctionEventInvokeConfig's (or UpdateFunctionEventInvokeConfig's) members over `base`:
 * Put starts from nothing (members left out are cleared), Update from the current settings.
 * Lambda validates MaximumRetryAttempts (0-2) and MaximumEventAgeInSeconds (60-21,600), and wants
 * at least one setting.
 */
export function eventInvokeConfigOf(input: Record<string, unknown>, base: Omit<EventInvokeConfig, 'lastModified'>, now: number): EventInvokeConfig {
  const retries = input['MaximumRetryAttempts'];
  const age = input['MaximumEventAgeInSeconds'];
  const destinations = input['DestinationConfig'];
  if (retries === undefined && age === undefined && destinations === undefined) {
    throw LambdaErrors.invalidParameter('You must specify at least one of error handling or destination setting.');
  }
  const config: { -readonly [K in keyof EventInvokeConfig]: EventInvokeConfig[K] } = { ...base, lastModified: now };
  if (retries !== undefined) config.maximumRetryAttempts = bounded(retries, 'maximumRetryAttempts', 0, 2);
  if (age !== undefined) config.maximumEventAgeSeconds = bounded(age, 'maximumEventAgeInSeconds', 60, 21_600);
  if (destinations !== undefined) config.destinationConfig = destinations as NonNullable<EventInvokeConfig['destinationConfig']>;
  return config;
}

/** The config as the API answers it: the function's `$LATEST` ARN, members it has no value for left out. */
export function eventInvokeConfigOutput(config: EventInvokeConfig, functionArn: string): Record<string, unknown> {
  return {
    FunctionArn: `${functionArn}:$LATEST`,
    // A timestamp member of Lambda's REST JSON: seconds since the epoch.
    LastModified: config.lastModified / 1000,
    ...(config.maximumRetryAttempts === undefined ? {} : { MaximumRetryAttempts: config.maximumRetryAttempts }),
    ...(config.maximumEventAgeSeconds === undefined ? {} : { MaximumEventAgeInSeconds: config.maximumEventAgeSeconds }),
    DestinationConfig: { OnSuccess: { ...config.destinationConfig?.OnSuccess }, OnFailure: { ...config.destinationConfig?.OnFailure } },
  };
}

function bounded(value: unknown, member: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw LambdaErrors.validation(
      `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must have value ${number < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  }
  return number;
}
