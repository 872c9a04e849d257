import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { allowScrapesManifests } from './allow-scrapes';
import { authorizationsFor, type PolicyObjects } from './policy';

describe('allow-scrapes', () => {
  const docs = loadAll(
    allowScrapesManifests({
      namespace: 'shop',
      meshvizNamespace: 'meshviz',
      serviceAccount: 'meshviz',
    }),
  ) as {
    kind: string;
    metadata: { name: string; namespace: string };
    spec: Record<string, unknown>;
  }[];

  it("admits meshviz's identity to /metrics on every meshed pod's admin port, nothing more", () => {
    expect(docs.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      'Server shop/meshviz-proxy-admin',
      'HTTPRoute shop/meshviz-proxy-metrics',
      'AuthorizationPolicy shop/meshviz-scrape',
    ]);
    expect(docs[0]?.spec).toMatchObject({ port: 'linkerd-admin', proxyProtocol: 'HTTP/1' });
  });

  it('resolves, by the policy rules meshviz shows, to exactly meshviz on the metrics route', () => {
    const [server, route, policy] = docs as unknown as [
      PolicyObjects['servers'][number],
      PolicyObjects['httpRoutes'][number],
      PolicyObjects['policies'][number],
    ];
    const objects: PolicyObjects = {
      servers: [server],
      policies: [policy],
      serverAuthorizations: [],
      meshTls: [],
      networks: [],
      httpRoutes: [route],
      linkerdNamespace: 'linkerd',
      trustDomain: 'cluster.local',
    };
    const auths = authorizationsFor(server, objects);
    expect(auths.map((a) => a.scope)).toEqual([
      'HTTPRoute meshviz-proxy-metrics (its requests only)',
    ]);
    expect(auths[0]?.requires.flatMap((r) => r.identities)).toEqual([
      'meshviz.meshviz.serviceaccount.identity.linkerd.cluster.local',
    ]);
  });
});
