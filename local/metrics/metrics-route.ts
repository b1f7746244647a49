import type * as http from 'node:http';
import type { ControlRoute } from '../gateway/server';
import type { MetricStore } from './metric-store';
import { metricsJson } from './metrics-report';

/**
 * `GET /_local/metrics[?namespace=...&name=...]`: what the handlers emitted in embedded metric
 * format. Handlers' metrics are business data, so only this machine and pages of the endpoint's own
 * origin may read them: a request from another address (the cloud bound to a wider `--host`), or a
 * browser request from another origin, is refused.
 */
export function metricsRoute(store: MetricStore): ControlRoute {
  return async (request, _body, url) => {
    const refused = refusal(request);
    if (refused !== undefined) return { status: 403, body: { message: refused } };
    const namespace = url.searchParams.get('namespace') ?? undefined;
    const name = url.searchParams.get('name') ?? undefined;
    return { status: 200, body: metricsJson(store, { ...(namespace === undefined ? {} : { namespace }), ...(name === undefined ? {} : { name }) }) };
  };
}

function refusal(request: http.IncomingMessage): string | undefined {
  const remote = request.socket.remoteAddress ?? '';
  if (!isLoopback(remote)) return `metrics are served to this machine only, not to ${remote}`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const host = request.headers.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `Origin ${JSON.stringify(origin)} is not a URL`;
  }
  return originHost === host ? undefined : `metrics are served to pages of ${host ?? 'this endpoint'} only, not to ${origin}`;
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
