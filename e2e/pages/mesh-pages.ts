import type { Locator, Page, Response } from '@playwright/test';
import { Table } from '../support/table';
import { Shell } from './shell';

/**
 * Opens `path` and returns the JSON of the API call the page made whose
 * path is `apiPath`: the exact answer the UI is showing.
 */
export async function openWithAnswer<T>(page: Page, path: string, apiPath: string): Promise<T> {
  const answer = nextAnswer<T>(page, (r) => new URL(r.url()).pathname === apiPath);
  await page.goto(path);
  return answer;
}

/**
 * The JSON of the next successful response `matches` accepts, read as it
 * arrives. Read later, it can be gone: the page often asks for the same URL
 * again within milliseconds, the browser revalidates its cached copy with the
 * ETag, and once the API answers 304 (the answer is unchanged) Chromium no
 * longer hands out the first response's body.
 */
export async function nextAnswer<T>(page: Page, matches: (r: Response) => boolean): Promise<T> {
  let body: T | undefined;
  await page.waitForResponse(async (r) => {
    if (r.status() !== 200 || !matches(r)) return false;
    body = (await r.json()) as T;
    return true;
  });
  return body as T;
}

export class NamespacesView extends Shell {
  readonly table: Table;
  constructor(page: Page) {
    super(page);
    this.table = new Table(page.getByRole('table', { name: 'Namespaces' }));
  }
}

export class NamespaceView extends Shell {
  readonly http: Table;
  readonly tcp: Table;
  constructor(page: Page) {
    super(page);
    this.http = new Table(page.getByRole('table', { name: 'HTTP traffic' }));
    this.tcp = new Table(page.getByRole('table', { name: 'TCP traffic' }));
  }
}

export class WorkloadView extends Shell {
  readonly inbound: Table;
  readonly outbound: Table;
  readonly routes: Table;
  constructor(page: Page) {
    super(page);
    this.inbound = new Table(page.getByRole('table', { name: 'Inbound neighbours' }));
    this.outbound = new Table(page.getByRole('table', { name: 'Outbound neighbours' }));
    this.routes = new Table(page.getByRole('table', { name: 'Routes' }));
  }

  chart(title: string): Locator {
    return this.page.getByRole('figure', { name: title, exact: true });
  }

  tab(name: string | RegExp): Locator {
    return this.page.getByRole('tab', { name });
  }
}

export class GraphView extends Shell {
  readonly canvas: Locator;
  constructor(page: Page) {
    super(page);
    this.canvas = page.getByRole('figure', { name: 'Service graph' });
  }

  node(namespace: string, name: string): Locator {
    return this.canvas.getByRole('group', { name: `${namespace}/${name}`, exact: true });
  }

  /** The label of the edge `source` -> `target` (node ids `ns/kind/name`). */
  edge(source: string, target: string): Locator {
    return this.canvas.getByRole('group', { name: `edge ${source} to ${target}`, exact: true });
  }

  mtlsMark(edge: Locator): Locator {
    return edge.getByRole('button', { name: /^mTLS / });
  }

  /** A collapsed namespace's node. */
  collapsed(namespace: string): Locator {
    return this.canvas.getByRole('group', { name: `namespace ${namespace}, collapsed` });
  }

  /** Names (`ns/name`) of the workload nodes drawn. */
  async shownNodes(): Promise<string[]> {
    const names = await this.canvas
      .locator('.react-flow__node-workload [role=group]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    return names.sort();
  }
}

export class MtlsView extends Shell {
  readonly plaintext: Table;
  readonly unmeshed: Table;
  readonly certificates: Table;
  readonly tlsProviders: Table;
  constructor(page: Page) {
    super(page);
    this.tlsProviders = new Table(page.getByRole('table', { name: 'TLS providers' }));
    this.plaintext = new Table(page.getByRole('table', { name: 'Plaintext edges' }));
    this.unmeshed = new Table(page.getByRole('table', { name: 'Unmeshed workloads' }));
    this.certificates = new Table(page.getByRole('table', { name: 'Certificates' }));
  }
}

export class EgressView extends Shell {
  readonly networks: Table;
  readonly destinations: Table;
  constructor(page: Page) {
    super(page);
    this.networks = new Table(page.getByRole('table', { name: 'Egress networks' }));
    this.destinations = new Table(page.getByRole('table', { name: 'External destinations' }));
  }
}
