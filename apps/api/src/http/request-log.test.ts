import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { requestLog } from './request-log';

function logged(level: string) {
  const lines: { level: number; msg: string; res?: { statusCode: number } }[] = [];
  const log = pino({ level }, { write: (s: string) => lines.push(JSON.parse(s)) });
  const app = express();
  app.use(requestLog(log));
  app.get('/ok', (_req, res) => res.send('ok'));
  app.get('/missing', (_req, res) => res.status(404).send('no'));
  app.get('/broken', (_req, res) => res.status(500).send('no'));
  return { app, lines };
}

describe('requestLog', () => {
  it('logs successes at debug, 4xx at warn and 5xx at error, each once', async () => {
    const { app, lines } = logged('info');
    await request(app).get('/ok');
    await request(app).get('/missing');
    await request(app).get('/broken');
    // Written when the server side of each exchange closes, which may follow the client's read.
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    // pino's levels: 40 warn, 50 error; the 200 is under the info level set here.
    const byStatus = [...lines].sort((a, b) => (a.res?.statusCode ?? 0) - (b.res?.statusCode ?? 0));
    expect(byStatus.map((l) => [l.level, l.res?.statusCode, l.msg])).toEqual([
      [40, 404, 'request completed'],
      [50, 500, 'request completed'],
    ]);
  });

  it('logs every request at debug level', async () => {
    const { app, lines } = logged('debug');
    await request(app).get('/ok');
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines.map((l) => [l.level, l.res?.statusCode])).toEqual([[20, 200]]);
  });
});
