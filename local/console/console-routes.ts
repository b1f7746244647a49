import type { ControlRoute } from '../gateway/server';
import type { Faults } from '../faults/faults';
import { deadLetterRoutes, type DeadLetterSources } from './dead-letter-routes';
import { logRoutes, type LogSources } from './log-routes';
import { staticRoutes } from './static-routes';
import { readLiveCounts, readTopology, type TopologySources } from './topology';

export type ConsoleSources = TopologySources & LogSources & DeadLetterSources & { readonly faults?: Faults };

/**
 * The web console's routes: its pages at `/_local/console` and its JSON under `/_local/console/api/`:
 * - `GET topology`: the deployed app's graph (nodes, edges), read from the services;
 * - `GET counts`: queue depths and event source mapping totals, polled by the page every second or
 *   two (rules matched, invocations and table writes come from the flight recorder's hops);
 * - `GET dead-letters`, `POST redrive?queue=`: the app's DLQs with reasons, and moving them back;
 * - `GET logs?function=&filter=`: handler output from CloudWatch Logs;
 * - `GET faults`: the fault-injection counters (`enabled: false` when chaos is off).
 */
export function consoleRoutes(sources: ConsoleSources): Record<string, ControlRoute> {
  return {
    ...staticRoutes(),
    'GET /_local/console/api/topology': async () => ({ status: 200, body: await readTopology(sources) }),
    'GET /_local/console/api/counts': async () => ({ status: 200, body: readLiveCounts(sources) }),
    'GET /_local/console/api/faults': async () => ({
      status: 200,
      body: sources.faults === undefined ? { enabled: false } : { enabled: true, total: sources.faults.total, counts: sources.faults.counts, byFunction: sources.faults.byFunction },
    }),
    ...deadLetterRoutes(sources),
    ...logRoutes(sources),
  };
}
