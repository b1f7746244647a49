import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * One conformance case: AWS's recorded answer to a sequence of API calls, with where it was recorded.
 * Cases are data (`cases/<service>/*.json`); `run-case.ts` replays them through the AWS SDK against
 * the local cloud's endpoint.
 */
export interface ConformanceCase {
  /** Unique within its file; the test's title. */
  readonly name: string;
  readonly source: CaseSource;
  /** Why the case exists, when its name does not say it. */
  readonly note?: string;
  readonly steps: readonly CaseStep[];
}

/** Where AWS's answer comes from: a test recorded on AWS (repository, commit, file, test id) or a documentation page. */
export type CaseSource =
  | { readonly repo: string; readonly commit: string; readonly file: string; readonly test: string; readonly snapshotKey?: string; readonly recordedOn?: string }
  | { readonly doc: string; readonly quote?: string };

/** A call to a service (`sqs`, `events`, `lambda`, `s3`, `logs`, `dynamodb` where the environment runs DynamoDB Local: the client the runner holds), or moving the cloud's clock. */
export type CaseStep = CallStep | AdvanceStep;

export interface CallStep {
  readonly service?: 'sqs' | 'events' | 'lambda' | 's3' | 'logs' | 'dynamodb';
  /** The SDK command's name without `Command`: `CreateQueue`, `PutEvents`, ... */
  readonly call: string;
  /** The request; strings may hold `${var}` references (see `substitute`). */
  readonly input?: unknown;
  /** HTTP headers this request carries besides the SDK's (e.g. `X-Amzn-Trace-Id`); values may hold `${var}`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** AWS's answer: the output (a partial match, see `matches`) or the error. Omitted: any success. */
  readonly expect?: { readonly output?: unknown; readonly error?: ExpectedError };
  /** Saves values of the output for later steps: `{ "url": "QueueUrl", "handle": "Messages.0.ReceiptHandle" }`. */
  readonly save?: Readonly<Record<string, string>>;
  /**
   * Repeat the call (the cloud's clock jumping to its next timer between tries) until `expect`
   * matches: for answers that arrive in time (a poller's batch, a move task's end). At most 50 tries.
   */
  readonly until?: boolean;
}

/** Moves the cloud's clock forward by `advanceSeconds`, running every timer on the way (visibility, delays). */
export interface AdvanceStep {
  readonly advanceSeconds: number;
}

/**
 * An error as AWS sends it. `code` is the error code a client reads (for SQS's query-compatible JSON
 * protocol the query code, e.g. `AWS.SimpleQueueService.NonExistentQueue`); `name` the shape's name
 * (`QueueDoesNotExist`) where it differs; `type` is `Sender` or `Receiver` where AWS says it.
 */
export interface ExpectedError {
  readonly code: string;
  readonly name?: string;
  readonly message?: string;
  readonly type?: 'Sender' | 'Receiver' | 'User';
  readonly status?: number;
}

/** Every case of a service: `cases/<service>/*.json`, each file an array of cases. */
export function loadCases(service: string): Array<{ file: string; testCase: ConformanceCase }> {
  const dir = path.join(__dirname, 'cases', service);
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as ConformanceCase[]).map((testCase) => ({ file, testCase })));
}
