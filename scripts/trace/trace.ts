/**
 * `npm run trace -- <order id | event id> [--json] [--target local|localstack|aws] [--endpoint URL]`:
 * where an order's events went, as a tree in time (see run-trace.ts).
 */
import { runTrace } from './run-trace';

// Colours as the project's other output decides them (local/lambda/log-lines.ts' callers): only on a
// terminal; and never when NO_COLOR is set (https://no-color.org).
const color = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;

runTrace(process.argv.slice(2), { write: (text) => process.stdout.write(text), color }).then(
  (result) => process.exit(result.code),
  (error: unknown) => {
    process.stderr.write(`trace: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
