import { EventsErrors } from './errors';
import { parseJsonPath, valueAt, type PathSegment } from './json-path';

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

/** What a target's input is built from, beside the event itself. */
export interface TransformContext {
  readonly ruleArn: string;
  readonly ruleName: string;
  readonly ingestionTime: string;
}

const PLACEHOLDER = /<([A-Za-z0-9_.\-]+)>/g;
const PREDEFINED = new Set(['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json']);

/** A target input that cannot be built (a JSON template that does not yield JSON): not delivered. */
export class TransformError extends Error {}

/** Validates an InputPath (at PutTargets) and returns it parsed. */
export function compileInputPath(targetId: string, path: string): PathSegment[] {
  const segments = parseJsonPath(path);
  if (segments === undefined) throw EventsErrors.validation(`Target ${targetId}: InputPath ${path} is not a valid JSON path.`);
  return segments;
}

/**
 * Validates an InputTransformer as PutTargets does and compiles it: every placeholder of the
 * template must be a key of InputPathsMap or a predefined `aws.events.*` variable.
 */
export function compileInputTransformer(targetId: string, transformer: InputTransformer): (event: unknown, context: TransformContext) => string {
  const template = transformer.InputTemplate;
  if (typeof template !== 'string' || template === '') throw EventsErrors.validation(`Target ${targetId}: InputTemplate is required.`);
  if (template.length > 8192) throw EventsErrors.validation(`Target ${targetId}: InputTemplate must be at most 8192 characters.`);
  const paths = new Map<string, PathSegment[]>();
  const map = transformer.InputPathsMap ?? {};
  if (Object.keys(map).length > 100) throw EventsErrors.validation(`Target ${targetId}: InputPathsMap has more than 100 entries.`);
  for (const [key, path] of Object.entries(map)) {
    if (!/^[A-Za-z0-9_\-]+$/.test(key)) throw EventsErrors.validation(`Target ${targetId}: InputPathsMap key ${key} may hold only letters, digits, _ and -.`);
    if (key.startsWith('aws.')) throw EventsErrors.validation(`Target ${targetId}: InputPathsMap key ${key} is reserved.`);
    paths.set(key, compileInputPath(targetId, path));
  }
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!paths.has(name!) && !PREDEFINED.has(name!)) {
      throw EventsErrors.validation(`InputTemplate for target ${targetId} contains invalid placeholder ${name}.`);
    }
  }
  const json = /^\s*[{[]/.test(template);
  return (event, context) => render(template, json, (name) => lookup(name, paths, event, context));
}

function lookup(name: string, paths: Map<string, PathSegment[]>, event: unknown, context: TransformContext): { found: boolean; value: unknown } {
  switch (name) {
    case 'aws.events.rule-arn':
      return { found: true, value: context.ruleArn };
    case 'aws.events.rule-name':
      return { found: true, value: context.ruleName };
    case 'aws.events.event.ingestion-time':
      return { found: true, value: context.ingestionTime };
    case 'aws.events.event':
      return { found: true, value: eventWithoutDetail(event, context.ingestionTime) };
    case 'aws.events.event.json':
      return { found: true, value: event };
  }
  const path = paths.get(name);
  if (path === undefined) return { found: false, value: undefined };
  const value = valueAt(event, path);
  return { found: value !== undefined, value };
}

/**
 * `<aws.events.event>`: the event's envelope without its detail, as AWS renders it (recorded:
 * test_events_inputs.py::TestInputTransformer::test_input_transformer_predefined_variables): the
 * detail type under `detailType` and the ingestion time as `time`, in AWS's order.
 */
function eventWithoutDetail(event: unknown, ingestionTime: string): unknown {
  const e = (event ?? {}) as Record<string, unknown>;
  return { id: e['id'], account: e['account'], detailType: e['detail-type'], time: ingestionTime, source: e['source'], region: e['region'], resources: e['resources'], version: e['version'] };
}

/** Inside a string: a JSON-escaped string without its quotes. */
const escapeText = (text: string) => JSON.stringify(text).slice(1, -1);

/** A value as plain text, the way EventBridge renders it into a string: JSON without quotes. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  return JSON.stringify(value).replace(/(?<!\\)"/g, '');
}

/**
 * Substitutes placeholders. In a JSON template a placeholder between quotes takes the value as
 * text (an object or array there cannot make JSON: the input is refused); outside quotes it takes
 * the value as JSON, a missing one as `""` (recorded: test_put_events_with_input_transformer_input_template_json,
 * not-match-all). A string template takes every value as text.
 */
function render(template: string, json: boolean, resolve: (name: string) => { found: boolean; value: unknown }): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '<') {
      const match = /^<([A-Za-z0-9_.\-]+)>/.exec(template.slice(i));
      if (match !== null) {
        const { value } = resolve(match[1]!);
        i += match[0].length - 1;
        if (!json) out += escapeText(asText(value));
        else if (inString) {
          if (value !== null && typeof value === 'object') throw new TransformError(`placeholder <${match[1]}> holds ${Array.isArray(value) ? 'an array' : 'an object'} inside a JSON string`);
          out += escapeText(asText(value));
        } else out += JSON.stringify(value === undefined ? '' : value); // a path the event lacks gives an empty string
        continue;
      }
    }
    if (ch === '\\' && inString) {
      out += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch;
  }
  if (json) {
    try {
      JSON.parse(out);
    } catch (error) {
      throw new TransformError(`the InputTemplate did not produce valid JSON: ${(error as Error).message}`);
    }
  }
  return out;
}
