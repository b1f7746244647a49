'use strict';
// Runs inside a sandbox child process: loads one bundled handler (its init phase), then serves
// invocations sent by the parent over IPC, one at a time, like a Lambda execution environment.
const path = require('node:path');

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const [moduleName, exportName] = splitHandler(process.env._HANDLER || 'index.handler');

function splitHandler(handler) {
  const dot = handler.lastIndexOf('.');
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function serializeError(error) {
  const err = error instanceof Error ? error : new Error(String(error));
  return { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack || '').split('\n') };
}

// The cloud's clock: settling skips idle time (visibility timeouts, backoffs), so the local cloud's
// clock runs ahead of the wall clock; the handler's `Date` follows it (the offset comes with each
// invocation), so its times agree with the queues' and the events' as in AWS, where there is one clock.
// Deadlines stay on the real clock: they are measured by the parent in real time.
const RealDate = Date;
const realNow = () => RealDate.now();
let clockOffsetMs = 0;
function CloudDate(...args) {
  if (new.target === undefined) return new RealDate(realNow() + clockOffsetMs).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [realNow() + clockOffsetMs] : args, new.target);
}
Object.setPrototypeOf(CloudDate, RealDate);
CloudDate.prototype = RealDate.prototype;
CloudDate.now = () => realNow() + clockOffsetMs;
globalThis.Date = CloudDate;

// Midway faults count the invocation's HTTP requests (the AWS SDK sends each through http.request,
// looked up at call time) and strike at the chosen one: the handler stops exactly between two calls.
let midway;
const strike = (fault) => {
  if (fault.kind === 'crash') process.exit(137);
  // A timeout: the handler stops where it is (what it sent stays sent) and the parent kills the
  // sandbox at the deadline. Blocks without spinning; should the parent be gone, it leaves later.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, fault.deadline - realNow()) + 5000);
  process.exit(1);
};
for (const transport of [require('node:http'), require('node:https')]) {
  const send = transport.request;
  transport.request = function request(...args) {
    const fault = midway;
    if (fault === undefined || ++fault.requests !== fault.request) return send.apply(this, args);
    if (fault.when === 'before-send') return strike(fault);
    return send.apply(this, args).once('finish', () => strike(fault));
  };
}

// Must match END_OF_OUTPUT in sandbox.ts.
const END_OF_OUTPUT = '\u0000sandbox-output-end ';

let handler;
const initStarted = process.hrtime.bigint();
try {
  const loaded = require(path.join(taskRoot, moduleName));
  handler = loaded[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${moduleName}.${exportName} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  process.send({ type: 'ready', initMs: Number(process.hrtime.bigint() - initStarted) / 1e6 });
} catch (error) {
  process.send({ type: 'init-error', error: serializeError(error) }, () => process.exit(1));
}

process.on('message', (message) => {
  if (message.type !== 'invoke') return;
  const { requestId, event, deadline, functionName, memoryMb, invokedArn, fault } = message;
  clockOffsetMs = message.clockOffsetMs ?? 0;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: invokedArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - realNow()),
    done() {}, fail() {}, succeed() {},
  };
  const started = process.hrtime.bigint();
  const reply = (body) => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    // After everything the handler printed: the parent waits for this marker on both streams.
    process.stdout.write(`${END_OF_OUTPUT}${requestId}\n`);
    process.stderr.write(`${END_OF_OUTPUT}${requestId}\n`);
    process.send({ requestId, durationMs, ...body });
  };
  // Fault injection midway: at the handler's n-th HTTP request, or when it finishes if it makes fewer.
  midway = fault !== null && typeof fault === 'object' ? { ...fault, deadline, requests: 0 } : undefined;
  let settled = false;
  const finish = (error, result) => {
    if (settled) return;
    settled = true;
    if (midway !== undefined) return strike(midway);
    if (error) reply({ type: 'error', error: serializeError(error) });
    else reply({ type: 'result', result: result === undefined ? null : result });
  };
  // Fault injection before the handler runs: hang past the timeout, crash the process, or fail.
  if (fault === 'timeout') return;
  if (fault === 'crash') process.exit(137);
  if (fault === 'error') return finish(Object.assign(new Error('handler exception injected by the local cloud'), { name: 'InjectedFault' }));
  try {
    const returned = handler(event, context, finish);
    if (returned && typeof returned.then === 'function') returned.then((result) => finish(null, result), (error) => finish(error));
  } catch (error) {
    finish(error);
  }
});

// The local cloud went away (even killed outright): a sandbox never outlives it.
process.on('disconnect', () => process.exit(0));

// An exception that escapes the handler crashes the sandbox, as it does in Lambda.
process.on('uncaughtException', (error) => {
  process.send({ type: 'crash', error: serializeError(error) }, () => process.exit(1));
});
