import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ShopClient } from '../shop-client';
import { readOutputsFile, targetFromEnv, targetSettings } from '../targets';

/**
 * The options every operator tool takes to find the deployed app: `--target local|localstack|aws`
 * (default: $PIPELINE_TARGET, else local), or `--outputs FILE` and `--endpoint URL` given outright.
 */
export function parseToolArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...options, target: { type: 'string' }, outputs: { type: 'string' }, endpoint: { type: 'string' }, json: { type: 'boolean', default: false } } as O & Record<string, { type: 'string' | 'boolean' }>,
  });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const settings = targetSettings(targetFromEnv((values['target'] as string | undefined) ?? process.env['PIPELINE_TARGET']));
  const outputs = readOutputsFile((values['outputs'] as string | undefined) ?? settings.outputsFile, settings.howToStart);
  const endpoint = (values['endpoint'] as string | undefined) ?? settings.endpoint;
  return { shop: new ShopClient(outputs, endpoint), values, positionals: parsed.positionals };
}
