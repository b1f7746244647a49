/**
 * `npm run local -- [the local cloud's options]`: the local cloud (local/cli.ts, which knows nothing of
 * the shop) with the shop's stub payment provider beside it. Starts the stub on 127.0.0.1
 * (PAYMENT_PROVIDER_PORT, default a free port), runs the local cloud's CLI with the same arguments,
 * and once it is ready puts the stub's URL and secret in the SSM parameters the app reads, then
 * prints the CLI's `ready <endpoint>`. The stub's control route takes an outage, latency, failures
 * or a rate limit while it runs: `curl -X POST <stub>/_control -d '{"outageSeconds":60}'`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputsFile } from '../local/assembly/references';
import { providerParameterNames, putProviderParameters } from './payment-provider/local-provider';
import { StubPaymentProvider } from './payment-provider/stub-server';

let cloudProcess: ReturnType<typeof spawn> | undefined;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const port = Number(process.env['PAYMENT_PROVIDER_PORT'] ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PAYMENT_PROVIDER_PORT must be a port number, got "${process.env['PAYMENT_PROVIDER_PORT']}"`);
  const help = args.includes('--help') || args.includes('-h');
  const provider = help ? undefined : await StubPaymentProvider.start({ port });
  const quiet = args.includes('--quiet');

  const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const child = (cloudProcess = spawn(tsx, [path.join(__dirname, '..', 'local', 'cli.ts'), ...args], { stdio: ['inherit', 'pipe', 'inherit'] }));
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const ready = /^ready (\S+)$/.exec(line);
      if (ready === null || provider === undefined) process.stdout.write(`${line}\n`);
      // Held back until the provider is configured: whoever waits for `ready` finds the app able to pay.
      else configure(ready[1]!, provider, outputsOf(args), quiet).then(() => process.stdout.write(`${line}\n`), fail);
    }
  });

  const stop = async (code: number | null) => {
    await provider?.stop();
    process.exit(code ?? 0);
  };
  child.on('exit', (code) => void stop(code));
  // The CLI stops the cloud on these; the stub stops when it exits.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
}

async function configure(endpoint: string, provider: StubPaymentProvider, outputs: OutputsFile | undefined, quiet: boolean): Promise<void> {
  const names = providerParameterNames(outputs);
  await putProviderParameters(endpoint, names, provider);
  if (!quiet) {
    process.stderr.write(`payment provider: stub at ${provider.url} (SSM ${names.url}, ${names.secret}); control: curl -X POST ${provider.url}/_control -d '{"outageSeconds":60}'\n`);
  }
}

/** The outputs file the CLI wrote for the deployed app, if it deployed one. */
function outputsOf(args: string[]): OutputsFile | undefined {
  if (args.includes('--no-app')) return undefined;
  const at = args.indexOf('--outputs-file');
  const file = path.resolve(at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : path.join('.local', 'cdk-outputs.json'));
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as OutputsFile) : undefined;
}

function fail(error: unknown): void {
  process.stderr.write(`local: ${(error as Error).message}\n`);
  cloudProcess?.kill('SIGTERM');
  process.exit(1);
}

main().catch(fail);
