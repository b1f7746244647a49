/**
 * An error of Lambda's REST API in AWS's shape: the type in `x-amzn-ErrorType`, `Type: "User"`, and
 * the message under `Message` or `message` (Lambda writes `Message` for ResourceNotFoundException
 * and `message` for most others; the SDKs read either).
 */
export class LambdaError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** How the body names the message member. */
    readonly messageKey: 'message' | 'Message' = 'message',
    /** Validation errors carry no `Type` member. */
    readonly userType: boolean = true,
  ) {
    super(message);
    this.name = type;
  }

  /** The REST answer the gateway sends. */
  toResponse(): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
    return {
      status: this.status,
      headers: { 'x-amzn-ErrorType': this.type },
      body: { ...(this.userType ? { Type: 'User' } : {}), [this.messageKey]: this.message },
    };
  }
}

/** The errors Lambda's control plane answers, with AWS's codes, statuses and messages. */
export const LambdaErrors = {
  functionNotFound: (arn: string) => new LambdaError('ResourceNotFoundException', `Function not found: ${arn}`, 404, 'Message'),
  functionsOfOtherRegion: (arnRegion: string, region: string) =>
    new LambdaError('ResourceNotFoundException', `Functions from '${arnRegion}' are not reachable in this region ('${region}')`, 404, 'Message'),
  resourceNotFound: () => new LambdaError('ResourceNotFoundException', 'The resource you requested does not exist.', 404, 'Message'),
  invalidParameter: (message: string) => new LambdaError('InvalidParameterValueException', message),
  conflict: (message: string) => new LambdaError('ResourceConflictException', message, 409),
  validation: (message: string) => new LambdaError('ValidationException', message, 400, 'message', false),
  invalidRequestContent: () => new LambdaError('InvalidRequestContentException', 'Could not parse request body into json: the payload is not valid JSON.'),
  unknownRoute: (path: string) => new LambdaError('UnknownOperationException', `No Lambda operation at ${path}.`, 404),
};
