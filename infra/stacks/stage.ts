import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** How `cdk deploy` asks before changing a stage: the CLI's `--require-approval` values. */
export type DeployApproval = 'never' | 'broadening' | 'any-change';

/**
 * A deployment stage (dev, prod, ...) as one typed configuration, read from CDK context (see
 * `stageFromContext`). `prod` is production; every other name is a development stage.
 */
export interface Stage {
  readonly name: string;
  readonly production: boolean;
  /** What happens to tables and function log groups when their stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** Every DynamoDB table of the stage. */
  readonly tables: {
    /** DeleteTable refused while on (an operator's or a script's mistake cannot drop data). */
    readonly deletionProtection: boolean;
    readonly pointInTimeRecovery: boolean;
  };
  /** What happens to dead-letter queues (messages waiting for triage) when their stack is deleted. */
  readonly deadLetterQueueRemovalPolicy: RemovalPolicy;
  /** The domain bus's archive, what replays read. */
  readonly archive: { readonly retention: Duration; readonly removalPolicy: RemovalPolicy };
  /** How long function logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** Who is told when an alarm goes off (and when it is OK again): the stage's alarm topic's subscribers. */
  readonly alarms: { readonly emails: readonly string[] };
  /** What `npm run deploy` passes as `--require-approval` (scripts/deploy.ts). */
  readonly deployApproval: DeployApproval;
}

/** Settings a stage may take from context; the rest follows from whether it is production. */
interface Adjustable {
  readonly alarmEmails: readonly string[];
  readonly logRetentionDays: number;
  readonly archiveRetentionDays: number;
}

const PRODUCTION_STAGE = 'prod';

/** Defaults: production keeps data and asks before deploying; a development stage cleans up after itself. */
const DEFAULTS: Record<'production' | 'development', Adjustable> = {
  // A year of logs and three months of replayable events: incidents are found late in production.
  production: { alarmEmails: [], logRetentionDays: 365, archiveRetentionDays: 90 },
  development: { alarmEmails: [], logRetentionDays: 7, archiveRetentionDays: 7 },
};

const STAGE_NAME = /^[a-z][a-z0-9-]{0,15}$/;
// Deliberately loose: SNS sends a confirmation mail, which is the real check.
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const LOG_RETENTION_DAYS = Object.values(logs.RetentionDays).filter((d): d is number => typeof d === 'number' && d !== logs.RetentionDays.INFINITE);
const STAGE_KEYS = ['alarmEmails', 'logRetentionDays', 'archiveRetentionDays'] as const;

/** The stage's name, checked: it is part of every stack name. */
export function stageName(value: unknown): string {
  const name = value === undefined ? 'dev' : String(value);
  if (!STAGE_NAME.test(name)) {
    throw new Error(`stage must be lowercase letters, digits and dashes (at most 16), got "${name}"`);
  }
  return name;
}

/** How `npm run deploy` deploys a stage: production asks before widening permissions or network access. */
export function deployApprovalOf(name: string): DeployApproval {
  return name === PRODUCTION_STAGE ? 'broadening' : 'never';
}

/**
 * The stage from CDK context (`app.node.tryGetContext`):
 * - `stage`: the name (default `dev`); `prod` is production.
 * - `alarmEmail`: addresses, comma-separated, subscribed to the stage's alarm topic
 *   (`-c alarmEmail=ops@example.com`).
 * - `stages`: settings per stage name, for cdk.json (or a JSON string on the command line):
 *   `{ "prod": { "alarmEmails": ["ops@example.com"], "logRetentionDays": 365, "archiveRetentionDays": 90 } }`.
 * Production must have at least one address: an alarm nobody receives pages nobody. A bare name
 * (`stageFromContext('dev')`) is that stage with no other context, for tests and tools.
 */
export function stageFromContext(context: string | ((key: string) => unknown)): Stage {
  if (typeof context === 'string') return stageFromContext((key) => (key === 'stage' ? context : undefined));
  const name = stageName(context('stage'));
  const production = name === PRODUCTION_STAGE;
  const settings = stageSettings(context('stages'));
  const own = settings[name] ?? {};
  const defaults = DEFAULTS[production ? 'production' : 'development'];
  const emails = [...new Set([...emailList(context('alarmEmail')), ...(own.alarmEmails ?? [])])];
  if (production && emails.length === 0) {
    throw new Error(`stage "${name}" needs someone its alarms reach: pass -c alarmEmail=ops@example.com (comma-separated for several) or set "stages": { "${name}": { "alarmEmails": [...] } } in cdk.json`);
  }
  const retain = production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  return {
    name,
    production,
    removalPolicy: retain,
    tables: { deletionProtection: production, pointInTimeRecovery: true },
    deadLetterQueueRemovalPolicy: retain,
    archive: { retention: Duration.days(own.archiveRetentionDays ?? defaults.archiveRetentionDays), removalPolicy: retain },
    logRetention: (own.logRetentionDays ?? defaults.logRetentionDays) as logs.RetentionDays,
    alarms: { emails },
    deployApproval: deployApprovalOf(name),
  };
}

/** `alarmEmail` context: one address or several, comma-separated. */
function emailList(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  if (typeof value !== 'string') throw new Error(`alarmEmail must be addresses separated by commas, got ${JSON.stringify(value)}`);
  return value.split(',').map((address) => checkEmail('alarmEmail', address.trim()));
}

function checkEmail(where: string, address: unknown): string {
  if (typeof address !== 'string' || !EMAIL.test(address)) throw new Error(`${where}: not an e-mail address: ${JSON.stringify(address)}`);
  return address;
}

/** The `stages` context: an object (cdk.json) or its JSON (`-c stages=...`), each entry checked. */
function stageSettings(value: unknown): Record<string, Partial<Adjustable>> {
  if (value === undefined) return {};
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`stages must be an object keyed by stage name (or its JSON), got ${JSON.stringify(value)}`);
    }
  }
  if (!isRecord(parsed)) throw new Error(`stages must be an object keyed by stage name, got ${JSON.stringify(parsed)}`);
  return Object.fromEntries(Object.entries(parsed).map(([name, entry]) => [stageName(name), stageEntry(`stages.${name}`, entry)]));
}

function stageEntry(where: string, entry: unknown): Partial<Adjustable> {
  if (!isRecord(entry)) throw new Error(`${where} must be an object, got ${JSON.stringify(entry)}`);
  const unknown = Object.keys(entry).filter((key) => !(STAGE_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new Error(`${where}: unknown setting "${unknown[0]}" (settings: ${STAGE_KEYS.join(', ')})`);
  const result: { -readonly [K in keyof Adjustable]?: Adjustable[K] } = {};
  const emails = entry['alarmEmails'];
  if (emails !== undefined) {
    if (!Array.isArray(emails)) throw new Error(`${where}.alarmEmails must be a list of addresses, got ${JSON.stringify(emails)}`);
    result.alarmEmails = emails.map((address, i) => checkEmail(`${where}.alarmEmails[${i}]`, address));
  }
  const logDays = entry['logRetentionDays'];
  if (logDays !== undefined) {
    if (typeof logDays !== 'number' || !LOG_RETENTION_DAYS.includes(logDays)) {
      throw new Error(`${where}.logRetentionDays must be one of CloudWatch Logs' periods (${LOG_RETENTION_DAYS.join(', ')}), got ${JSON.stringify(logDays)}`);
    }
    result.logRetentionDays = logDays;
  }
  const archiveDays = entry['archiveRetentionDays'];
  if (archiveDays !== undefined) {
    if (typeof archiveDays !== 'number' || !Number.isInteger(archiveDays) || archiveDays < 1) {
      throw new Error(`${where}.archiveRetentionDays must be a whole number of days, at least 1, got ${JSON.stringify(archiveDays)}`);
    }
    result.archiveRetentionDays = archiveDays;
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
