'use strict';
// Runs inside a sandbox child process: loads one bundled handler (its init phase), then serves
// invocations sent by the parent over IPC, one at a time, like a Lambda execution environment.
const fs = require('node:fs');
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
  handler = loadHandler();
  process.send({ type: 'ready', initMs: Number(process.hrtime.bigint() - initStarted) / 1e6 });
} catch (error) {
  const failure = initFailure(error);
  // As Lambda logs a failed init in the function's log, then answers each invocation with it.
  process.stderr.write(`${new RealDate().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify({ errorType: failure.errorType, errorMessage: failure.errorMessage, stack: failure.trace })}\n`);
  process.send({ type: 'init-error', error: failure }, () => process.exit(1));
}

/**
 * Loads the handler as Lambda's Node.js runtime does: `<module>.js`, `.mjs` or `.cjs` in the task root
 * (a missing one is `Cannot find module '<module>'`, whatever else the folder holds), then its export.
 */
function loadHandler() {
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.join(taskRoot, moduleName + ext)).find((candidate) => fs.existsSync(candidate));
  if (file === undefined) {
    throw Object.assign(new Error(`Cannot find module '${moduleName}'\nRequire stack:\n- ${__filename}`), { code: 'MODULE_NOT_FOUND' });
  }
  const loaded = require(file);
  const exported = loaded[exportName];
  if (typeof exported !== 'function') {
    throw Object.assign(new Error(`${moduleName}.${exportName} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return exported;
}

/**
 * A failed init in Lambda's words: a module that cannot be found is `Runtime.ImportModuleError`, a
 * syntax error `Runtime.UserCodeSyntaxError` (each with the original error as `Name: message`), a
 * missing export `Runtime.HandlerNotFound`; anything else the code threw is reported as it was thrown.
 */
function initFailure(error) {
  const err = error instanceof Error ? error : new Error(String(error));
  let errorType = err.name || 'Error';
  let errorMessage = err.message;
  if (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND') {
    errorType = 'Runtime.ImportModuleError';
    errorMessage = `Error: ${err.message}`;
  } else if (err instanceof SyntaxError) {
    errorType = 'Runtime.UserCodeSyntaxError';
    errorMessage = `SyntaxError: ${err.message}`;
  }
  const frames = String(err.stack || '').split('\n').filter((line) => /^\s+at /.test(line));
  return { errorType, errorMessage, trace: [...`${errorType}: ${errorMessage}`.split('\n'), ...frames] };
}

let peakRssKb = 0;

process.on('message', (message) => {
  if (message.type !== 'invoke') return;
  const { requestId, event, deadline, functionName, memoryMb, invokedArn, fault } = message;
  clockOffsetMs = message.clockOffsetMs ?? 0;
  // As Lambda's Node runtime does per invocation: the AWS SDK sends it as X-Amzn-Trace-Id on every call
  // (middleware-recursion-detection), so the local cloud can tell which invocation made a call.
  if (typeof message.traceHeader === 'string') process.env._X_AMZN_TRACE_ID = message.traceHeader;
  else delete process.env._X_AMZN_TRACE_ID;
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
    // The environment's peak memory, for Lambda's REPORT line (Max Memory Used), sampled as each
    // invocation ends (resourceUsage().maxRSS would count the parent's, which Linux keeps across exec).
    peakRssKb = Math.max(peakRssKb, Math.ceil(process.memoryUsage.rss() / 1024));
    process.send({ requestId, durationMs, maxRssKb: peakRssKb, ...body });
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
