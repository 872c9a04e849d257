import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient } from './client';

/**
 * A Prometheus-compatible server behind HTTPS with a private CA that wants
 * credentials and a tenant header, as Mimir or a proxy in front of Thanos do.
 */
let server: Server;
let url: string;
let caFile: string;
let dir: string;
const seen: Record<string, string | undefined>[] = [];
const bodies: URLSearchParams[] = [];

beforeAll(async () => {
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'test-ca' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true },
    ],
  });
  const cert = await selfsigned.generate([{ name: 'commonName', value: 'prometheus' }], {
    keySize: 2048,
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  dir = mkdtempSync(join(tmpdir(), 'meshviz-prom-'));
  caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, ca.cert);
  server = createServer({ key: cert.private, cert: cert.cert }, async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const params = new URLSearchParams(body);
    bodies.push(params);
    // Upstreams that fail: no answer at all, an answer whose body stops half way, HTML.
    if (params.get('query') === 'hang') return;
    if (params.get('query') === 'half') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":"succ');
      return;
    }
    if (params.get('query') === 'html') {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>bad gateway</html>');
      return;
    }
    seen.push({
      authorization: req.headers.authorization,
      tenant: String(req.headers['x-scope-orgid'] ?? ''),
    });
    const ok =
      req.headers.authorization === 'Bearer token-2' ||
      req.headers.authorization === 'Bearer token-1' ||
      req.headers.authorization === `Basic ${Buffer.from('meshviz:s3cret').toString('base64')}`;
    res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(
      ok
        ? JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } })
        : JSON.stringify({ status: 'error', errorType: 'unauthorized', error: 'no' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

describe('Prometheus client against a secured Prometheus-compatible server', () => {
  it('sends a bearer token read from its file on each request, so a rotated token is used', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'token-1\n');
    const client = new PrometheusClient({
      baseUrl: url,
      auth: { bearerTokenFile: tokenFile, caFile, headers: { 'X-Scope-OrgID': 'tenant-a' } },
    });
    await client.query('up');
    writeFileSync(tokenFile, 'token-2');
    await client.query('up');
    expect(seen.slice(-2)).toEqual([
      { authorization: 'Bearer token-1', tenant: 'tenant-a' },
      { authorization: 'Bearer token-2', tenant: 'tenant-a' },
    ]);
  });

  it("passes its own timeout on as Prometheus's evaluation timeout, so an abandoned query stops there too", async () => {
    const client = new PrometheusClient({
      baseUrl: url,
      timeoutMs: 2500,
      auth: { bearerToken: 'token-1', caFile },
    });
    await client.query('sum(up)');
    // Prometheus's API reads `timeout` as a duration (web/api/v1 parseDuration): "2500ms".
    expect(Object.fromEntries(bodies.at(-1) ?? [])).toEqual({
      query: 'sum(up)',
      timeout: '2500ms',
    });
  });

  it('sends basic auth', async () => {
    const client = new PrometheusClient({
      baseUrl: url,
      auth: { basicAuth: 'meshviz:s3cret', caFile },
    });
    await expect(client.query('up')).resolves.toEqual([]);
  });

  it('explains refused credentials and an untrusted certificate without the address or the secrets', async () => {
    const wrong = new PrometheusClient({ baseUrl: url, auth: { bearerToken: 'nope', caFile } });
    const refused = await wrong.query('up').catch((e: Error) => e.message);
    expect(refused).toContain('refused meshviz');
    const untrusted = new PrometheusClient({ baseUrl: url, auth: { bearerToken: 'token-1' } });
    const tls = await untrusted.query('up').catch((e: Error) => e.message);
    expect(tls).toMatch(/TLS|certificate/);
    for (const message of [refused, tls]) {
      expect(message).not.toContain('127.0.0.1');
      expect(message).not.toContain(url);
      expect(message).not.toContain('token-1');
      expect(message).not.toContain('nope');
    }
  });

  it('gives up at its timeout, whether the answer never starts or stops half way, and names a body that is not JSON', async () => {
    const client = new PrometheusClient({
      baseUrl: url,
      timeoutMs: 300,
      auth: { bearerToken: 'token-1', caFile },
    });
    for (const query of ['hang', 'half'])
      await expect(client.query(query)).rejects.toThrow('Prometheus did not answer within 300 ms');
    await expect(client.query('html')).rejects.toThrow(
      'Prometheus answered 502 with a body that is not JSON',
    );
    // The connections given up on are not reused: the next query is answered.
    await expect(client.query('up')).resolves.toEqual([]);
  });
});
