import express from 'express';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendJson } from './send-json';

describe('sendJson', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('serializes a shared answer once for every viewer, and answers 304 to a viewer that has it', async () => {
    const shared = { nodes: [{ id: 'a', rps: 1.5 }], errors: [] };
    const app = express();
    app.get('/shared', (_req, res) => sendJson(res, shared));
    app.get('/fresh', (_req, res) => sendJson(res, { at: 'x' }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const stringify = vi.spyOn(JSON, 'stringify');
      const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/shared`)));
      for (const a of answers) {
        expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await a.json()).toEqual(shared);
      }
      expect(stringify.mock.calls.filter(([v]) => v === shared)).toHaveLength(1);
      const etag = answers[0]?.headers.get('etag') ?? '';
      expect(etag).toMatch(/^W\/"/);
      // (fetch would add Cache-Control: no-cache to a conditional request; a browser's cache does not.)
      const status = await new Promise<number>((resolve, reject) =>
        get(`${url}/shared`, { headers: { 'If-None-Match': etag } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
      expect(status).toBe(304);
      expect(await (await fetch(`${url}/fresh`)).json()).toEqual({ at: 'x' });
    } finally {
      server.close();
    }
  });
});
