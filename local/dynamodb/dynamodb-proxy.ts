import * as http from 'node:http';
import type { RawGatewayService } from '../gateway/server';
import { httpTraceHeader } from '../lambda/trace-header';
import { DATA_OPERATIONS, type CapacityMeter } from './capacity-meter';
import type { DynamoDbLocal } from './dynamodb-local';

/**
 * Forwards DynamoDB requests (`X-Amz-Target: DynamoDB_20120810.*`) to AWS's DynamoDB Local, so
 * every service answers on the one endpoint. Bodies and headers pass through untouched.
 */
/** Fault injection for one request: throttle it, or cancel a transaction with a conflict. */
export type DynamoFault = (operation: string) => 'throttle' | 'conflict' | undefined;

/** The operations that change items, and so may add records to a table's stream. */
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

/**
 * Forwards DynamoDB Streams requests (`X-Amz-Target: DynamoDBStreams_20120810.*`: ListStreams,
 * DescribeStream, GetShardIterator, GetRecords) to DynamoDB Local, which serves the Streams API.
 * The SDK's streams client signs them for service `dynamodb`, on the same endpoint.
 */
export function dynamoDbStreamsProxy(dynamo: DynamoDbLocal): RawGatewayService {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return {
    targetPrefix: 'DynamoDBStreams_20120810',
    name: 'dynamodb',
    proxy(request, body, response) {
      const upstream = http.request(
        { host: '127.0.0.1', port: dynamo.port, method: request.method, path: request.url, headers: { ...request.headers, host: `127.0.0.1:${dynamo.port}`, 'content-length': body.length }, agent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', (error) => unreachable(response, error));
      upstream.end(body);
    },
  };
}

/**
 * The tables a write request names (TableName, BatchWriteItem's RequestItems, each transaction
 * item's), or undefined when it cannot tell (PartiQL, a body that is not JSON): then any table may
 * have been written.
 */
export function tablesWritten(operation: string, body: Buffer): string[] | undefined {
  const request = parseRequest(body);
  return request === undefined ? undefined : tablesOfRequest(operation, request);
}

/** A request body as JSON, or undefined when it is not a JSON object (DynamoDB Local will say so). */
function parseRequest(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `tablesWritten` of a parsed request. */
function tablesOfRequest(operation: string, request: Record<string, unknown>): string[] | undefined {
  if (typeof request['TableName'] === 'string') return [request['TableName']];
  if (operation === 'BatchWriteItem' && request['RequestItems'] !== null && typeof request['RequestItems'] === 'object') return Object.keys(request['RequestItems']);
  if (operation === 'TransactWriteItems' && Array.isArray(request['TransactItems'])) {
    const names = (request['TransactItems'] as Array<Record<string, { TableName?: unknown } | undefined>>).flatMap((item) =>
      Object.values(item).map((action) => action?.TableName).filter((name): name is string => typeof name === 'string'),
    );
    return [...new Set(names)];
  }
  return undefined;
}

/**
 * `onWritten` is told when DynamoDB Local has answered a write (whatever the outcome), with the tables
 * it named (undefined: any), so the pollers of those tables' streams read the records it may have added.
 */
export function dynamoDbProxy(
  dynamo: DynamoDbLocal,
  options: {
    onRequest?: (operation: string) => void;
    onWritten?: (tables: readonly string[] | undefined) => void;
    /** Told each write request once answered, with the caller's `X-Amzn-Trace-Id` (the flight recorder). */
    onWrite?: (write: ObservedWrite) => void;
    fault?: DynamoFault;
    meter?: CapacityMeter;
  } = {},
): RawGatewayService {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  return {
    targetPrefix: 'DynamoDB_20120810',
    name: 'dynamodb',
    proxy(request, body, response) {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.indexOf('.') + 1);
      options.onRequest?.(operation);
      const isWrite = WRITE_OPERATIONS.has(operation);
      // Parsed once for both listeners (onWritten is always there: stream pollers wait on it).
      const parsed = isWrite && (options.onWritten !== undefined || options.onWrite !== undefined) ? parseRequest(body) : undefined;
      const onWrite = parsed === undefined ? undefined : options.onWrite;
      const traceHeader = onWrite === undefined ? undefined : httpTraceHeader(request.headers);
      const fault = DATA_OPERATIONS.has(operation) ? options.fault?.(operation) : undefined;
      if (fault !== undefined) {
        onWrite?.({ operation, request: parsed!, traceHeader, status: 400, error: `${fault === 'conflict' ? 'TransactionCanceledException' : 'ProvisionedThroughputExceededException'} (injected)` });
        return injectFault(fault, operation, body, response);
      }
      const metered = options.meter !== undefined && DATA_OPERATIONS.has(operation) ? meteredRequest(options.meter, operation, body) : undefined;
      const sent = metered?.body ?? body;
      const upstream = http.request(
        { host: '127.0.0.1', port: dynamo.port, method: request.method, path: request.url, headers: { ...request.headers, host: `127.0.0.1:${dynamo.port}`, 'content-length': sent.length }, agent },
        (answer) => {
          const onWritten = options.onWritten;
          if (onWritten !== undefined && isWrite) {
            const tables = parsed === undefined ? undefined : tablesOfRequest(operation, parsed);
            answer.once('end', () => onWritten(tables));
          }
          if (onWrite !== undefined) observeAnswer(answer, (status, error) => onWrite({ operation, request: parsed!, traceHeader, status, ...(error === undefined ? {} : { error }) }));
          if (metered === undefined) {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
            return;
          }
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            const { headers, body: answered } = metered.answer(answer.statusCode ?? 502, answer.headers, Buffer.concat(chunks));
            response.writeHead(answer.statusCode ?? 502, headers);
            response.end(answered);
          });
        },
      );
      upstream.on('error', (error) => {
        metered?.answer(500, {}, Buffer.from('{}')); // the request is over for the meter too
        unreachable(response, error);
      });
      upstream.end(sent);
    },
  };
}

/** A write request as an observer sees it once DynamoDB answered. */
export interface ObservedWrite {
  readonly operation: string;
  readonly request: Readonly<Record<string, unknown>>;
  /** The caller's `X-Amzn-Trace-Id` (a handler's SDK sends its invocation's). */
  readonly traceHeader: string | undefined;
  readonly status: number;
  /** DynamoDB's exception name, when it refused the write. */
  readonly error?: string;
}

/** Calls `done` once the answer ended, with its status and, for an error, its exception name (error bodies are small). */
function observeAnswer(answer: http.IncomingMessage, done: (status: number, error?: string) => void): void {
  const status = answer.statusCode ?? 502;
  if (status < 400) {
    answer.once('end', () => done(status));
    return;
  }
  const chunks: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => chunks.push(chunk));
  answer.once('end', () => {
    let error = `HTTP ${status}`;
    try {
      const type = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { __type?: unknown }).__type;
      if (typeof type === 'string') error = type.slice(type.lastIndexOf('#') + 1);
    } catch {
      // not JSON: the status says it
    }
    done(status, error);
  });
}

/**
 * A request the meter sees: asked for its consumed capacity (unless the client asked already), and
 * answered without it when the client did not ask, so clients see DynamoDB's usual response.
 */
function meteredRequest(meter: CapacityMeter, operation: string, body: Buffer) {
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined; // DynamoDB Local will answer the malformed request; nothing to meter
  }
  const asked = request['ReturnConsumedCapacity'] !== undefined && request['ReturnConsumedCapacity'] !== 'NONE';
  meter.begin(operation, request);
  return {
    body: asked ? body : Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: 'INDEXES' })),
    answer(status: number, headers: http.IncomingHttpHeaders, answered: Buffer): { headers: http.IncomingHttpHeaders; body: Buffer } {
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(answered.toString('utf8')) as Record<string, unknown>;
      } catch {
        // not JSON: counted as a request without capacity
      }
      meter.end(operation, request, status, parsed);
      if (asked || parsed['ConsumedCapacity'] === undefined) return { headers, body: answered };
      delete parsed['ConsumedCapacity'];
      const text = Buffer.from(JSON.stringify(parsed));
      // The body changed, so DynamoDB's checksum of it no longer holds; clients check it only when present.
      const { 'x-amz-crc32': _checksum, ...rest } = headers;
      return { headers: { ...rest, 'content-length': String(text.length) }, body: text };
    },
  };
}

/** Answers as DynamoDB does when throttling, or when a transaction meets another on the same item. */
function injectFault(fault: 'throttle' | 'conflict', operation: string, body: Buffer, response: http.ServerResponse): void {
  let answer: Record<string, unknown>;
  if (fault === 'conflict' && operation === 'TransactWriteItems') {
    let items = 1;
    try {
      items = (JSON.parse(body.toString('utf8')) as { TransactItems?: unknown[] }).TransactItems?.length ?? 1;
    } catch {
      // the request is malformed; DynamoDB Local would say so, but this answer stands
    }
    answer = {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
      CancellationReasons: Array.from({ length: items }, (_, i) => (i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' })),
    };
  } else {
    answer = {
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    };
  }
  const text = JSON.stringify(answer);
  response.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': 'injected-fault' });
  response.end(text);
}

/** Answers as DynamoDB does with an internal error when DynamoDB Local cannot be reached. */
function unreachable(response: http.ServerResponse, error: Error): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `DynamoDB Local is not reachable: ${error.message}` });
  response.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
