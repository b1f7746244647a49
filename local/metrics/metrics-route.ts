import type { ControlRoute } from '../gateway/server';
import type { MetricStore } from './metric-store';
import { metricsJson } from './metrics-report';

/**
 * `GET /_local/metrics[?namespace=...&name=...]`: what the handlers emitted in embedded metric
 * format. Handlers' metrics are business data: like every `/_local/` route, only this machine and
 * pages of the endpoint's own origin may read them (the gateway refuses the others, request-origin.ts).
 */
export function metricsRoute(store: MetricStore): ControlRoute {
  return async (_request, _body, url) => {
    const namespace = url.searchParams.get('namespace') ?? undefined;
    const name = url.searchParams.get('name') ?? undefined;
    return { status: 200, body: metricsJson(store, { ...(namespace === undefined ? {} : { namespace }), ...(name === undefined ? {} : { name }) }) };
  };
}
