/**
 * `npm run local -- [--port 4566] [--host 127.0.0.1] [--no-app] [--quiet]`: starts the local cloud
 * and serves until SIGINT or SIGTERM. Prints `ready <endpoint>` once it accepts requests.
 */
import { parseArgs } from 'node:util';
import { startLocalCloud } from './cloud';

const USAGE = `usage: npm run local -- [--port 4566] [--host 127.0.0.1] [--no-app] [--quiet]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      'no-app': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, got "${values.port}"`);
  const log = values.quiet ? () => undefined : (message: string) => process.stderr.write(`${message}\n`);
  const cloud = await startLocalCloud({ port, host: values.host, log });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the local cloud`);
    cloud.stop().then(
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
  if (!values.quiet) {
    log(`services: events, sqs${values['no-app'] ? ' (no app deployed)' : ''}`);
    log(`point the AWS CLI at it:  aws --endpoint-url ${cloud.endpoint} sqs list-queues`);
    log(`or any AWS SDK:           AWS_ENDPOINT_URL=${cloud.endpoint} AWS_REGION=${cloud.region}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`local: ${(error as Error).message}\n`);
  process.exit(1);
});
