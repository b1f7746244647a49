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
  if (destinations !== undefined) config.destinationConfig = destinationConfigOf(destinations);
  return config;
}

/** The model's pattern for a destination (an ARN, a Kafka URL, or nothing). */
const DESTINATION = /^(|kafka:\/\/([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*))$/;
const DESTINATION_PATTERN_TEXT = '$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';

/** DestinationConfig as given, each destination checked against the model's pattern. */
function destinationConfigOf(value: unknown): NonNullable<EventInvokeConfig['destinationConfig']> {
  const given = (value ?? {}) as { OnSuccess?: { Destination?: unknown }; OnFailure?: { Destination?: unknown } };
  const side = (key: 'OnSuccess' | 'OnFailure', member: string) => {
    const destination = given[key]?.Destination;
    if (destination === undefined || destination === null) return given[key] === undefined ? undefined : {};
    if (typeof destination !== 'string' || !DESTINATION.test(destination)) {
      throw LambdaErrors.validation(`1 validation error detected: Value '${String(destination)}' at 'destinationConfig.${member}.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: ${DESTINATION_PATTERN_TEXT}`);
    }
    return { Destination: destination };
  };
  const onSuccess = side('OnSuccess', 'onSuccess');
  const onFailure = side('OnFailure', 'onFailure');
  return { ...(onSuccess === undefined ? {} : { OnSuccess: onSuccess }), ...(onFailure === undefined ? {} : { OnFailure: onFailure }) };
}

/**
 * Checks what a destination names (after the function is found): a service Lambda delivers to
 * (SQS, SNS, Lambda, EventBridge; S3 on failure), and for a function one that exists and is not
 * the function itself (test_lambda_eventinvokeconfig_exceptions).
 */
export function checkDestinations(config: EventInvokeConfig, functionArn: string, functionExists: (arn: string) => boolean): void {
  const onSuccess = config.destinationConfig?.OnSuccess?.Destination;
  const onFailure = config.destinationConfig?.OnFailure?.Destination;
  const services = (failure: boolean) => ['sqs', 'sns', 'lambda', 'events', ...(failure ? ['s3'] : [])];
  for (const [destination, failure] of [[onSuccess, false], [onFailure, true]] as const) {
    if (destination === undefined || destination === '' || destination.startsWith('kafka://')) continue;
    const service = destination.split(':')[2] ?? '';
    if (!services(failure).includes(service)) {
      const shown = (name: string, arn: string | undefined) => (arn === undefined ? 'null' : `${name}(destination=${arn})`);
      throw LambdaErrors.invalidParameter(`The provided destination config DestinationConfig(onSuccess=${shown('OnSuccess', onSuccess)}, onFailure=${shown('OnFailure', onFailure)}) is invalid.`);
    }
    if (service === 'lambda') {
      const unqualified = destination.split(':').slice(0, 7).join(':');
      if (unqualified === functionArn) throw LambdaErrors.invalidParameter("You can't specify the function as a destination for itself.");
      if (!functionExists(destination)) throw LambdaErrors.invalidParameter(`The destination ARN ${destination} is invalid.`);
    }
  }
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
