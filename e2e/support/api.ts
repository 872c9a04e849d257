import { readFileSync } from 'node:fs';
import type { APIRequestContext } from '@playwright/test';
import { STATE_FILE } from './stack';

/** Waits (up to `ms`) until the API has traffic and some history, so numbers exist to compare. */
export async function waitForTraffic(request: APIRequestContext, ms = 45_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const body = (await (await request.get('/api/v1/namespaces')).json()) as {
      namespaces: { name: string; rps: number | null }[];
    };
    // Traffic now, and a few points of history so charts have lines to draw.
    const series = (await (
      await request.get('/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=web')
    ).json()) as { points: { rps: number | null }[] };
    if (
      body.namespaces.some((n) => n.name === 'emojivoto' && n.rps !== null) &&
      series.points.filter((p) => p.rps !== null).length >= 3
    )
      return;
    if (Date.now() > until) throw new Error('no traffic from the demo mesh');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The demo mesh's control: take its Kubernetes API down or bring it back. */
export async function setKubeApi(request: APIRequestContext, available: boolean): Promise<void> {
  const { kubeApiUrl } = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { kubeApiUrl: string };
  const res = await request.post(`${kubeApiUrl}/demo/kube-api?available=${available}`);
  if (!res.ok()) throw new Error(`demo control answered ${res.status()}`);
}
