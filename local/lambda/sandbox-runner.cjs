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
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: invokedArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {}, fail() {}, succeed() {},
  };
  const started = process.hrtime.bigint();
  const reply = (body) => process.send({ requestId, durationMs: Number(process.hrtime.bigint() - started) / 1e6, ...body });
  let settled = false;
  const finish = (error, result) => {
    if (settled) return;
    settled = true;
    if (error) reply({ type: 'error', error: serializeError(error) });
    else reply({ type: 'result', result: result === undefined ? null : result });
  };
  // Fault injection: hang past the timeout, crash the process, or fail without running the handler.
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
