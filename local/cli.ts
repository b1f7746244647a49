/**
 * `npm run local -- [--port 4566] [--host 127.0.0.1] [--no-app] [--app cdk.out] [--outputs-file F] [--quiet] [--faults default|F.json|JSON] [--seed n] [--persist DIR]`
 * Starts the local cloud, deploys the synthesized app (synthesizing it first when stale) and serves
 * until SIGINT or SIGTERM. Prints `ready <endpoint>` once it accepts requests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAssembly } from './assembly/ensure-assembly';
import { startLocalCloud } from './cloud';
import { faultConfigFromOption, Faults } from './faults/faults';
import { prefixLogLine } from './lambda/log-lines';
import { metricsSummary } from './metrics/metrics-report';
import { startHotReload, physicalIds } from './watch/hot-reload';
import { attachInstructions, inspectFunctions, inspectRequests } from './watch/inspect';

const USAGE = `usage: npm run local -- [--port 4566] [--host 127.0.0.1] [--no-app] [--app cdk.out] [--outputs-file .local/cdk-outputs.json] [--quiet]
                      [--faults default|faults.json|'{"handlers":{"handlerError":0.05}}'] [--seed 1]
                      [--persist .local/state]   keep tables, queued messages, archives and the recorder across restarts`;

const DEBUG_USAGE = `                      [--watch]   rebuild a handler when its TypeScript changes, new invocations run it
                      [--inspect fn[,fn]] [--inspect-wait fn] [--inspect-brk fn] [--inspect-port 9229]   Node inspector on 127.0.0.1`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      'no-app': { type: 'boolean', default: false },
      app: { type: 'string' },
      'outputs-file': { type: 'string', default: path.join('.local', 'cdk-outputs.json') },
      watch: { type: 'boolean', default: false },
      inspect: { type: 'string', multiple: true },
      'inspect-wait': { type: 'string', multiple: true },
      'inspect-brk': { type: 'string', multiple: true },
      'inspect-port': { type: 'string', default: '9229' },
      quiet: { type: 'boolean', default: false },
      faults: { type: 'string' },
      seed: { type: 'string', default: '1' },
      persist: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n${DEBUG_USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, got "${values.port}"`);
  // Checked before the cloud starts: a mistyped option must not cost a deployment first.
  const inspectPort = Number(values['inspect-port']);
  if (!Number.isInteger(inspectPort) || inspectPort < 1 || inspectPort > 65_535) throw new Error(`--inspect-port must be a port number, got "${values['inspect-port']}"`);
  const quiet = values.quiet;
  const log = quiet ? () => undefined : (message: string) => process.stderr.write(`${message}\n`);
  const color = process.stderr.isTTY === true;
  const app = values['no-app'] ? undefined : (values.app ?? ensureAssembly(undefined, log));
  const outputsFile = path.resolve(values['outputs-file']);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got "${values.seed}"`);
  const faults = values.faults === undefined ? undefined : new Faults({ ...faultConfigFromOption(values.faults, (file) => fs.readFileSync(file, 'utf8')), seed });
  const started = Date.now();
  const cloud = await startLocalCloud({
    ...(faults === undefined ? {} : { faults }),
    port,
    host: values.host,
    log,
    dynamodb: true,
    ...(app === undefined ? {} : { app, outputsFile }),
    ...(values.persist === undefined ? {} : { persist: values.persist }),
    ...(quiet ? {} : { onHandlerLog: (fn: string, line: string) => process.stderr.write(`${prefixLogLine(fn, line, color)}\n`) }),
  });

  // Debugging and live reload act on the deployed functions (local/watch).
  const inspected = inspectFunctions(cloud.lambda, inspectRequests(values), inspectPort);
  const hotReload = values.watch && app !== undefined ? startHotReload({ assemblyDirectory: app, lambda: cloud.lambda, physicalId: physicalIds(cloud.stackEngine), log }) : undefined;
  if (values.watch && app === undefined) log('watch: no app deployed, nothing to watch');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the local cloud`);
    if (faults !== undefined) log(`faults injected: ${faults.total} ${JSON.stringify(faults.counts)}`);
    // What the handlers counted while it ran (embedded metric format), before it is gone with the process.
    for (const line of metricsSummary(cloud.metrics)) log(line);
    (hotReload?.close() ?? Promise.resolve()).then(() => cloud.stop()).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`local: failed to stop cleanly: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  process.stdout.write(`ready ${cloud.endpoint}\n`);
  if (!quiet) {
    const deployed = cloud.deployment;
    log(`services: ${cloud.services.join(', ')}${deployed ? `; app deployed in ${((Date.now() - started) / 1000).toFixed(1)} s (${deployed.created} resources, ${deployed.functions.length} functions)` : ' (no app deployed)'}`);
    if (deployed) log(`stack outputs (cdk deploy --outputs-file format): ${path.relative(process.cwd(), outputsFile)}`);
    log(`AWS CLI:  aws --endpoint-url ${cloud.endpoint} sqs list-queues   (any credentials, region ${cloud.region})`);
    log(`AWS SDK:  AWS_ENDPOINT_URL=${cloud.endpoint} AWS_REGION=${cloud.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`);
    if (faults !== undefined) log(`faults:   injected with seed ${seed}: ${JSON.stringify(faults.config)}`);
    if (cloud.persistence !== undefined) log(`persist:  ${cloud.persistence.path} (saved every second when changed, and at stop); empty it all: curl -X POST ${cloud.endpoint}/_local/reset`);
    for (const fn of inspected) attachInstructions(fn).forEach((line) => log(line));
    if (hotReload !== undefined) {
      log(`watch:    ${hotReload.functions.length} functions; building each once so that a reload is incremental...`);
      void hotReload.ready.then(() => log('watch:    ready: a saved change reloads the functions it is part of'));
    }
    log(`settle:   curl -X POST ${cloud.endpoint}/_local/settle?timeoutMs=30000`);
    log(`metrics:  curl ${cloud.endpoint}/_local/metrics   (what handlers emitted in embedded metric format; a summary when it stops)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`local: ${(error as Error).message}\n`);
  process.exit(1);
});
