import { AwsError } from '../aws-error';
import type { ControlRoute } from '../gateway/server';
import type { LambdaService } from '../lambda/lambda-service';
import type { LogsService } from '../logs/logs-service';

export interface LogSources {
  readonly logs: Pick<LogsService, 'handle'>;
  readonly lambda: Pick<LambdaService, 'all'>;
}

export interface ConsoleLogLine {
  readonly function: string;
  readonly timestamp: number;
  readonly stream: string;
  readonly message: string;
}

const MAX_LINES = 1000;

/**
 * `GET /_local/console/api/logs?function=<name>&filter=<pattern>&limit=<n>&since=<ms>`: the newest
 * lines of the functions' log groups (one function's, or every function's), filtered by a CloudWatch
 * Logs filter pattern (a term, "a phrase", `{ $.level = "ERROR" }`, ...). Read through the Logs
 * service's own FilterLogEvents, so the patterns mean what they mean for `aws logs filter-log-events`.
 */
export function logRoutes(sources: LogSources): Record<string, ControlRoute> {
  return {
    'GET /_local/console/api/logs': async (_request, _body, url) => {
      const wanted = url.searchParams.get('function') ?? '';
      const filterPattern = url.searchParams.get('filter') ?? '';
      const limit = Math.min(MAX_LINES, Math.max(1, Number(url.searchParams.get('limit') ?? 200) || 200));
      const since = Number(url.searchParams.get('since') ?? '');
      const functions = sources.lambda.all().filter((fn) => wanted === '' || fn.name === wanted);
      if (wanted !== '' && functions.length === 0) return { status: 404, body: { message: `no function named ${wanted} on this local cloud` } };
      const lines: ConsoleLogLine[] = [];
      for (const fn of functions) {
        try {
          lines.push(...(await linesOf(sources.logs, fn.name, fn.config.logGroup ?? `/aws/lambda/${fn.name}`, filterPattern, since)));
        } catch (error) {
          // A function that never ran has no log group yet: no lines. A bad pattern is the caller's to fix.
          if (error instanceof AwsError && error.type === 'ResourceNotFoundException') continue;
          if (error instanceof AwsError) return { status: 400, body: { message: error.message } };
          throw error;
        }
      }
      lines.sort((a, b) => a.timestamp - b.timestamp);
      return { status: 200, body: { lines: lines.slice(-limit), total: lines.length } };
    },
  };
}

async function linesOf(logs: Pick<LogsService, 'handle'>, functionName: string, logGroupName: string, filterPattern: string, since: number): Promise<ConsoleLogLine[]> {
  const lines: ConsoleLogLine[] = [];
  let nextToken: string | undefined;
  do {
    const page = (await logs.handle('FilterLogEvents', {
      logGroupName,
      ...(filterPattern === '' ? {} : { filterPattern }),
      ...(Number.isFinite(since) && since > 0 ? { startTime: since } : {}),
      ...(nextToken === undefined ? {} : { nextToken }),
    })) as { events?: Array<{ logStreamName: string; timestamp: number; message: string }>; nextToken?: string };
    for (const event of page.events ?? []) lines.push({ function: functionName, timestamp: event.timestamp, stream: event.logStreamName, message: event.message });
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return lines;
}
