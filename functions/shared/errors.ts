/** Base of every error the handlers raise on purpose; `name` is the class name, for logs and DLQ triage. */
export class PipelineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A record that can never succeed (bad shape, unknown type or version): it belongs in the DLQ. */
export class InvalidEventError extends PipelineError {}

/** A required environment variable is missing or malformed: the cold start fails, naming it. */
export class ConfigurationError extends PipelineError {}

/** PutEvents entries kept failing after every retry. */
export class PublishError extends PipelineError {
  constructor(
    message: string,
    readonly failures: ReadonlyArray<{ detailType: string; errorCode: string; errorMessage: string }>,
  ) {
    super(message);
  }
}
