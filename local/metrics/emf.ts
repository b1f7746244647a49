/**
 * CloudWatch's embedded metric format (EMF), read the way CloudWatch Logs reads it from a function's
 * output: a JSON object whose `_aws.CloudWatchMetrics` directives name a namespace, dimension sets
 * and metrics, whose values (a number or an array of numbers) and dimension values are members of
 * the object itself. One metric of one directive under one dimension set is one datapoint.
 */

/** One metric value (or several) under one dimension set, as CloudWatch would store it. */
export interface EmfDatapoint {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: readonly number[];
  /** Milliseconds since the epoch: the record's `_aws.Timestamp`. */
  readonly timestamp: number;
}

/** CloudWatch's limits: 30 dimensions per set, 100 metrics per directive, 100 values per metric. */
const MAX_DIMENSIONS = 30;
const MAX_METRICS = 100;
const MAX_VALUES = 100;

/**
 * The datapoints of one log line, or `[]` when it holds no EMF record (most lines) or an invalid one
 * (CloudWatch drops those too; nothing a handler prints can make this throw). A line may carry a
 * prefix before the JSON (a runtime's timestamp and request id).
 */
export function parseEmfLine(line: string): EmfDatapoint[] {
  // Cheap test first: every handler line passes through here.
  if (!line.includes('"_aws"')) return [];
  const record = parseObject(line.trim()) ?? parseObject(line.slice(line.indexOf('{')));
  if (record === undefined) return [];
  const aws = record['_aws'];
  if (!isObject(aws) || !Array.isArray(aws['CloudWatchMetrics'])) return [];
  const timestamp = typeof aws['Timestamp'] === 'number' && Number.isFinite(aws['Timestamp']) ? aws['Timestamp'] : NaN;
  if (Number.isNaN(timestamp)) return [];
  const points: EmfDatapoint[] = [];
  for (const directive of aws['CloudWatchMetrics'] as unknown[]) {
    if (!isObject(directive) || typeof directive['Namespace'] !== 'string' || directive['Namespace'] === '') continue;
    const namespace = directive['Namespace'];
    const sets = dimensionSets(directive['Dimensions'], record);
    const metrics = Array.isArray(directive['Metrics']) ? directive['Metrics'].slice(0, MAX_METRICS) : [];
    for (const metric of metrics) {
      if (!isObject(metric) || typeof metric['Name'] !== 'string' || metric['Name'] === '') continue;
      const values = valuesOf(record[metric['Name']]);
      if (values.length === 0) continue;
      const unit = typeof metric['Unit'] === 'string' ? metric['Unit'] : 'None';
      for (const dimensions of sets) points.push({ namespace, name: metric['Name'], unit, dimensions, values, timestamp });
    }
  }
  return points;
}

/** The dimension sets of a directive with their values; a set naming a missing or non-string member is skipped. */
function dimensionSets(value: unknown, record: Record<string, unknown>): Array<Record<string, string>> {
  if (!Array.isArray(value)) return [];
  const sets: Array<Record<string, string>> = [];
  for (const set of value) {
    if (!Array.isArray(set) || set.length > MAX_DIMENSIONS) continue;
    const entries = set.map((name) => (typeof name === 'string' && typeof record[name] === 'string' ? [name, record[name]] : undefined));
    if (entries.some((entry) => entry === undefined)) continue;
    sets.push(Object.fromEntries(entries as Array<[string, string]>));
  }
  // A directive with no dimension set still publishes its metrics, without dimensions.
  return value.length === 0 ? [{}] : sets;
}

function valuesOf(value: unknown): number[] {
  const numbers = (Array.isArray(value) ? value.slice(0, MAX_VALUES) : [value]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return numbers;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
