import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ControlRoute } from '../gateway/server';

/** The console's pages: plain HTML, CSS and ES modules the browser loads as they are (no build step). */
export const CONSOLE_FILES = path.join(__dirname, 'static');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * `GET /_local/console` (the page) and `GET /_local/console/<file>` for each file of the console's
 * folder. The routes are the files there at start; each is read when asked for, so an edited page
 * shows on reload.
 */
export function staticRoutes(directory: string = CONSOLE_FILES): Record<string, ControlRoute> {
  const serve = (file: string): ControlRoute => async () => {
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    try {
      return { status: 200, contentType: type, body: await fs.promises.readFile(path.join(directory, file)) };
    } catch (error) {
      return { status: 404, contentType: 'text/plain; charset=utf-8', body: `the console's ${file} is missing: ${(error as Error).message}` };
    }
  };
  const routes: Record<string, ControlRoute> = { 'GET /_local/console': serve('index.html'), 'GET /_local/console/': serve('index.html') };
  for (const file of fs.readdirSync(directory)) {
    if (CONTENT_TYPES[path.extname(file)] !== undefined) routes[`GET /_local/console/${file}`] = serve(file);
  }
  return routes;
}
