import * as fc from 'fast-check';
import * as http from 'node:http';
import { Gateway, type GatewayService } from '../../local/gateway/server';
import { isLoopbackHostname, refusal, remoteRefusal } from '../../local/gateway/request-origin';

/** What a browser page, a DNS-rebinding page and a plain client send; the local cloud serves only the last two kinds it should. */
let gateway: Gateway;
let port: number;
let controlCalls = 0;
let awsCalls = 0;

const echo: GatewayService = {
  targetPrefix: 'AWSEvents',
  name: 'events',
  contentType: 'application/x-amz-json-1.1',
  handle: async () => {
    awsCalls++;
    return { ok: true };
  },
};

beforeAll(async () => {
  gateway = new Gateway({
    host: '127.0.0.1',
    port: 0,
    services: [echo],
    controls: {
      'POST /_local/reset': async () => {
        controlCalls++;
        return { status: 200, body: { reset: true } };
      },
    },
  });
  const url = await gateway.listen();
  port = Number(new URL(url).port);
});
afterAll(() => gateway.close());

/** node:http, because fetch may not set Host (a forbidden header) and a rebinding page's Host is the point. */
function send(path: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', ...headers } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    request.on('error', reject);
    request.end('{}');
  });
}

describe('requests from other origins and hosts', () => {
  it('serves a plain client (no Origin) and a same-origin page on every loopback name', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `console.localhost:${port}`]) {
      const before = controlCalls;
      const plain = await send('/_local/reset', { host });
      const sameOrigin = await send('/_local/reset', { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
      expect([plain.status, sameOrigin.status]).toEqual([200, 200]);
      expect(controlCalls).toBe(before + 2);
      expect(sameOrigin.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('refuses a DNS-rebinding page (foreign Host) on /_local/ routes and AWS APIs, without acting', async () => {
    const [calls, aws] = [controlCalls, awsCalls];
    const local = await send('/_local/reset', { host: `evil.example:${port}` });
    const api = await send('/', { host: `evil.example:${port}`, 'x-amz-target': 'AWSEvents.PutEvents' });
    expect([local.status, api.status]).toEqual([403, 403]);
    expect(JSON.parse(local.body)).toEqual({ message: expect.stringContaining('Host "evil.example:') });
    expect(JSON.parse(api.body)).toEqual({ __type: 'AccessDeniedException', message: expect.stringContaining('DNS rebinding') });
    expect([controlCalls, awsCalls]).toEqual([calls, aws]);
  });

  it('refuses a page of another origin, even one on loopback, and sends it no CORS header', async () => {
    const [calls, aws] = [controlCalls, awsCalls];
    const otherPort = await send('/_local/reset', { host: `127.0.0.1:${port}`, origin: 'http://127.0.0.1:3000' });
    const otherSite = await send('/_local/reset', { host: `127.0.0.1:${port}`, origin: 'https://evil.example' });
    const noCors = await send('/', { host: `127.0.0.1:${port}`, 'x-amz-target': 'AWSEvents.PutEvents', 'sec-fetch-site': 'cross-site' });
    const opaque = await send('/_local/reset', { host: `localhost:${port}`, origin: 'null' });
    for (const answer of [otherPort, otherSite, noCors, opaque]) {
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(JSON.parse(otherPort.body).message).toContain('Origin "http://127.0.0.1:3000" is not this endpoint\'s own origin');
    expect(JSON.parse(noCors.body).message).toContain('cross-site request');
    expect([controlCalls, awsCalls]).toEqual([calls, aws]);
  });

  it('serves the AWS APIs on any Host when bound beyond loopback, but never the /_local/ routes', () => {
    const headers = { host: 'build-box.lan:4566' };
    expect(refusal(headers, false, { awsRoutes: false })).toBeUndefined();
    expect(refusal(headers, true, { awsRoutes: false })).toContain('not a loopback name');
    expect(remoteRefusal('192.168.1.20')).toContain('this machine only, not 192.168.1.20');
    expect([remoteRefusal('127.0.0.1'), remoteRefusal('::1'), remoteRefusal('::ffff:127.0.0.1')]).toEqual([undefined, undefined, undefined]);
  });
});

describe('loopback names', () => {
  it('are localhost, *.localhost, 127.0.0.0/8 and ::1, and nothing else', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => expect(isLoopbackHostname(ip)).toBe(ip.startsWith('127.'))),
    );
    fc.assert(fc.property(fc.domain(), (name) => expect(isLoopbackHostname(name)).toBe(/(^|\.)localhost$/i.test(name))));
    expect(['[::1]', 'LOCALHOST', 'localhost.', '::ffff:127.0.0.1'].map(isLoopbackHostname)).toEqual([true, true, true, true]);
    expect(['[::2]', '0.0.0.0', 'localhost.evil.example', '127.0.0.1.evil.example', ''].map(isLoopbackHostname)).toEqual([false, false, false, false, false]);
  });
});
