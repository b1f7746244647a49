/**
 * An error in AWS's shape: the `__type` the SDKs map to exception classes, the message, the HTTP
 * status, and for SQS's JSON protocol the `x-amzn-query-error` code that query-compatible clients read.
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly queryError?: string,
  ) {
    super(message);
    this.name = type;
  }
}
