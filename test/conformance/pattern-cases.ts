import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The EventBridge pattern and input-transformer corpus (patterns/, see its README): every JSON
 * file of the folder is read, and each case sorted by its kind, so a new file needs no new code.
 */
export const PATTERNS_DIR = path.join(__dirname, 'patterns');

/** A pattern tried against an event (TestEventPattern), or an event AWS refuses as such. */
export interface PatternCase {
  name: string;
  expected: 'match' | 'no-match' | 'invalid-pattern' | 'invalid-event';
  eventJson: string;
  patternJson: string;
  pattern: unknown;
  event: unknown;
  awsError?: { code: string; message: string };
  /** How AWS answered: `TestEventPattern`, or `PutEvents->Rule->SQS` (the event delivered or not). */
  via?: string;
}

/** A rule with one SQS target shaped by an InputPath or InputTransformer, and what AWS delivered. */
export interface TransformerCase {
  name: string;
  inputPath?: string;
  inputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  event: { source: string; 'detail-type': string; detail: unknown; resources?: string[] };
  rulePattern: unknown;
  /** `custom`: the rule is on a bus of its own (default: the default bus). */
  eventBus?: 'custom';
  expected: 'output' | 'no-delivery' | 'invalid-target';
  expectedBodyJson?: unknown;
  expectedBodyRaw?: string;
  awsError?: { code: string; message: string };
}

function allCases(): unknown[] {
  return fs
    .readdirSync(PATTERNS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => JSON.parse(fs.readFileSync(path.join(PATTERNS_DIR, file), 'utf8')) as unknown[]);
}

const isTransformer = (c: unknown): c is TransformerCase => typeof c === 'object' && c !== null && 'rulePattern' in c;
const isPattern = (c: unknown): c is PatternCase => typeof c === 'object' && c !== null && 'patternJson' in c && !isTransformer(c);

/** Pattern cases of every file: match, no-match, invalid-pattern and invalid-event. */
export const patternCases = (): PatternCase[] => allCases().filter(isPattern);

/** Input path and input transformer cases of every file. */
export const transformerCases = (): TransformerCase[] => allCases().filter(isTransformer);
