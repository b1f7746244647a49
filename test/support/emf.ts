import { parseEmfLine, type EmfDatapoint } from '../../local/metrics/emf';

/**
 * Captures what handlers write to stdout in embedded metric format (Powertools writes there
 * directly), read with the local cloud's parser, while passing every other line through.
 */
export function captureMetrics() {
  const points: EmfDatapoint[] = [];
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const found = text.split('\n').flatMap((line) => parseEmfLine(line));
    if (found.length === 0) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    lines.push(text);
    points.push(...found);
    return true;
  }) as typeof process.stdout.write);
  return {
    /** EMF lines written (one per flush, and one per single metric). */
    lines,
    /** The values of a metric, summed over the captured datapoints whose dimensions include `dimensions`. */
    sum(name: string, dimensions: Record<string, string> = {}): number {
      return points
        .filter((p) => p.name === name && Object.entries(dimensions).every(([k, v]) => p.dimensions[k] === v))
        .reduce((total, p) => total + p.values.reduce((a, b) => a + b, 0), 0);
    },
    /** The metric names captured, each once, sorted. */
    names(): string[] {
      return [...new Set(points.map((p) => p.name))].sort();
    },
    points,
    reset() {
      points.length = 0;
      lines.length = 0;
    },
    restore() {
      spy.mockRestore();
    },
  };
}
