import { serverTimingEntries as entries } from '@meshviz/test-support';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SharedAnswers } from '../mesh/shared-answers';
import { noteQuery, serverTiming, untimed } from './server-timing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('server timing', () => {
  const app = express();
  app.use(serverTiming());
  // Three queries, noted as a query engine notes them when they end: 5, 30 and 10 ms.
  app.get('/three', async (_req, res) => {
    await Promise.all(
      [5, 30, 10].map(async (ms) => {
        await sleep(ms);
        noteQuery(ms);
      }),
    );
    await sleep(20);
    res.json({});
  });
  app.get('/cached', (_req, res) => {
    res.json({});
  });
  app.get('/own', (_req, res) => {
    res.setHeader('Server-Timing', 'layout;dur=7.0');
    noteQuery(3);
    res.json({});
  });

  it('sends the answer time and its slowest metrics query of all it ran', async () => {
    const res = await request(app).get('/three');
    const timing = entries(res.headers['server-timing']);
    expect(timing.get('query')).toEqual({ dur: 30, desc: 'slowest of 3 metrics queries' });
    // The answer waited for its slowest query, then 20 ms more.
    expect(timing.get('answer')?.dur).toBeGreaterThanOrEqual(49);
  });

  it('keeps each request its own queries when answers run at once', async () => {
    const [a, b] = await Promise.all([request(app).get('/three'), request(app).get('/own')]);
    expect(entries(a.headers['server-timing']).get('query')?.desc).toBe(
      'slowest of 3 metrics queries',
    );
    const own = entries(b.headers['server-timing']);
    expect(own.get('query')).toEqual({ dur: 3, desc: 'its metrics query' });
    // The route's own entry stays.
    expect(own.get('layout')?.dur).toBe(7);
  });

  it('names no query for an answer that ran none, whatever ran outside any request', async () => {
    // A query of no request (a background refresh) is no answer's.
    noteQuery(12);
    const timing = entries((await request(app).get('/cached')).headers['server-timing']);
    expect([...timing.keys()]).toEqual(['answer']);
  });

  it('does not charge an answer served while its next one computes with that computation', async () => {
    let now = 0;
    const answers = new SharedAnswers({
      minTtlMs: 1000,
      maxTtlMs: 5000,
      now: () => now,
      detached: untimed,
    });
    const shared = express();
    shared.use(serverTiming());
    shared.get('/shared', async (_req, res) => {
      res.json(
        await answers.get('view', [], async () => {
          noteQuery(40);
          return {};
        }),
      );
    });
    const first = entries((await request(shared).get('/shared')).headers['server-timing']);
    expect(first.get('query')?.dur).toBe(40);
    // Expired: the last answer is sent at once, and the next one computed for no one waiting.
    now = 1500;
    const stale = entries((await request(shared).get('/shared')).headers['server-timing']);
    expect([...stale.keys()]).toEqual(['answer']);
  });
});
