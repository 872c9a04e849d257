import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from './app';
import { SelfMetrics } from './http/self-metrics';

function app(overrides: { basePath?: string; notReady?: string[] } = {}) {
  return createApp({
    log: pino({ level: 'silent' }),
    allowedHosts: /^(localhost|127\.0\.0\.1)(:\d+)?$/,
    basePath: overrides.basePath ?? '',
    webDist: '/nonexistent',
    readiness: { notReady: () => overrides.notReady ?? [] },
  });
}

describe('http app', () => {
  it('when asked /healthz, answers ok with the version', async () => {
    const res = await request(app()).get('/healthz').set('Host', 'localhost:8084');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('when not ready, /readyz is 503 with the reasons', async () => {
    const res = await request(app({ notReady: ['topology not synced'] }))
      .get('/readyz')
      .set('Host', 'localhost');
    expect(res.status).toBe(503);
    expect(res.body.reasons).toEqual(['topology not synced']);
  });

  it('when the Host header is foreign, refuses the API and the UI with 403 (DNS rebinding)', async () => {
    const res = await request(app()).get('/api/v1/namespaces').set('Host', 'evil.example:8084');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('evil.example');
    expect((await request(app()).get('/').set('Host', 'meshviz.attacker.example')).status).toBe(
      403,
    );
  });

  it('answers probes and scrapes whatever their Host: the kubelet and Prometheus use the pod IP', async () => {
    const res = await request(app()).get('/healthz').set('Host', '10.1.2.3:8084');
    expect(res.status).toBe(200);
    expect((await request(app()).get('/readyz').set('Host', '10.1.2.3:8084')).status).not.toBe(403);
  });

  it('when an API path is unknown, answers a JSON 404 naming it', async () => {
    const res = await request(app()).get('/api/v1/nope').set('Host', 'localhost');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: 'no such API path: /nope' });
  });

  it('sends a strict Content-Security-Policy', async () => {
    const res = await request(app()).get('/healthz').set('Host', 'localhost');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('when served under a base path, answers there and not at the root', async () => {
    const a = app({ basePath: '/meshviz' });
    expect((await request(a).get('/meshviz/healthz').set('Host', 'localhost')).status).toBe(200);
    expect((await request(a).get('/healthz').set('Host', 'localhost')).status).toBe(404);
  });

  it('serves its own metrics: request durations by route pattern', async () => {
    const selfMetrics = new SelfMetrics();
    const a = createApp({
      log: pino({ level: 'silent' }),
      allowedHosts: /^localhost$/,
      basePath: '',
      webDist: '/nonexistent',
      readiness: { notReady: () => [] },
      selfMetrics,
    });
    await request(a).get('/healthz').set('Host', 'localhost');
    const res = await request(a).get('/metrics').set('Host', 'localhost');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /meshviz_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/,
    );
    expect(res.text).toContain('meshviz_upstream_query_duration_seconds');
    expect(res.text).toContain('meshviz_scrapes_total');
  });
});
