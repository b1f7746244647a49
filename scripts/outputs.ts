import type { OutputsFile } from '../local/assembly/references';

/** Finds an output of the shop by its key in any stack of any stage (`Shop-<stage>-...`). */
export function output(outputs: OutputsFile, key: string): string {
  for (const values of Object.values(outputs)) if (values[key] !== undefined) return values[key];
  throw new Error(`no stack output named ${key}: is the app deployed, and is this its outputs file?`);
}

/** Every dead-letter queue of the app: output keys ending in DeadLetterQueueUrl, by name. */
export function deadLetterQueues(outputs: OutputsFile): Array<{ name: string; url: string }> {
  return Object.values(outputs)
    .flatMap((values) => Object.entries(values))
    .filter(([key]) => key.endsWith('DeadLetterQueueUrl'))
    .map(([key, url]) => ({ name: key.replace(/Url$/, ''), url }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
