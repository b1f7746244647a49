import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/**
 * Who may talk to the local cloud. It holds the developer's tables, queues and functions and takes
 * CloudFormation templates, so a web page the developer happens to visit must not drive it:
 *
 * - **DNS rebinding**: a page on `evil.example` whose name is made to resolve to 127.0.0.1 reaches the
 *   endpoint as "same-origin" for the browser; only its `Host` header gives it away. A request whose
 *   Host is not a loopback name or address is refused.
 * - **Cross-site requests**: the browser sends a form POST (the query protocol takes
 *   `application/x-www-form-urlencoded`) or a no-cors fetch to 127.0.0.1 without asking; its `Origin`
 *   or `Sec-Fetch-Site` gives it away. Only same-origin requests and requests without them (the AWS
 *   SDK, the CLI, curl) are served, and no CORS header is ever sent, so no other origin reads an answer.
 *
 * See the Fetch standard (`Origin`, `Sec-Fetch-Site`) and the OWASP notes on DNS rebinding.
 */
export interface OriginPolicy {
  /**
   * Applies the Host check to the AWS APIs too (the `/_local/` routes always have it): true when bound
   * to loopback; a wildcard or other bind means the developer exposed the AWS APIs on purpose.
   */
  readonly awsRoutes: boolean;
}

/** `localhost`, `*.localhost` (RFC 6761: always loopback), 127.0.0.0/8 and ::1. */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(name);
  return false;
}

/** The hostname of a Host header (`name[:port]`, `[v6][:port]`). */
function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d*$/, '');
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Why the request must be refused, or undefined when it may be served. `local` is a `/_local/` route
 * (the console and the cloud's controls): always held to the loopback host.
 */
export function refusal(headers: IncomingHttpHeaders, local: boolean, policy: OriginPolicy): string | undefined {
  const host = header(headers, 'host');
  if ((local || policy.awsRoutes) && host !== undefined && !isLoopbackHostname(hostnameOf(host))) {
    return `Host "${host}" is not a loopback name or address: the local cloud answers only requests addressed to localhost, 127.0.0.1 or ::1 (a page reaching it through DNS rebinding is refused)`;
  }
  const origin = header(headers, 'origin');
  if (origin !== undefined && (host === undefined || origin.toLowerCase() !== `http://${host.toLowerCase()}`)) {
    return `Origin "${origin}" is not this endpoint's own origin: the local cloud serves no other origin (no CORS), so a web page elsewhere cannot drive it`;
  }
  const site = header(headers, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `a ${site} request (Sec-Fetch-Site) is refused: the local cloud serves only same-origin requests and clients that are not browsers`;
  }
  return undefined;
}

/**
 * The `/_local/` routes serve this machine only: with the endpoint bound wider (`--host 0.0.0.0`, to
 * reach the AWS APIs from a container), another machine still cannot read the recorder, the logs or
 * the console, nor reset the cloud.
 */
export function remoteRefusal(remoteAddress: string | undefined): string | undefined {
  if (remoteAddress === undefined || isLoopbackHostname(remoteAddress)) return undefined;
  return `the /_local/ routes serve this machine only, not ${remoteAddress}`;
}
