import { RESOURCES, type ResourceType } from './resources';

const VERBS = ['get', 'list', 'watch'];

function resourceList(groupVersion: string, resources: ResourceType[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map((r) => ({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    })),
  };
}

function groups(
  served: (r: ResourceType) => boolean,
  versionOf: (r: ResourceType) => string,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of RESOURCES.filter(served)) {
    if (!r.group) continue;
    const versions = out.get(r.group) ?? [];
    if (!versions.includes(versionOf(r))) versions.push(versionOf(r));
    out.set(r.group, versions);
  }
  return out;
}

function group(name: string, versions: string[]) {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** Answers a discovery path, or `undefined` when it is not one. */
export function discovery(
  path: string,
  served: (r: ResourceType) => boolean = () => true,
  versionOf: (r: ResourceType) => string = (r) => r.version,
  /** Groups that APIServices add through the aggregation layer, as `/apis` lists them. */
  aggregated: readonly { name: string }[] = [],
): unknown {
  if (path === '/version') {
    return {
      major: '1',
      minor: '31',
      gitVersion: 'v1.31.4+meshviz-demo',
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2025-01-01T00:00:00Z',
      goVersion: 'go1.23.4',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
    };
  }
  if (path === '/api/v1')
    return resourceList(
      'v1',
      RESOURCES.filter((r) => r.group === ''),
    );
  if (path === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        ...[...groups(served, versionOf)].map(([name, versions]) => group(name, versions)),
        ...aggregated,
      ],
    };
  }
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (m) {
    const versions = groups(served, versionOf).get(m[1] ?? '');
    if (!versions) return undefined;
    if (!m[2]) return { kind: 'APIGroup', apiVersion: 'v1', ...group(m[1] ?? '', versions) };
    if (!versions.includes(m[2])) return undefined;
    return resourceList(
      `${m[1]}/${m[2]}`,
      RESOURCES.filter((r) => served(r) && `${r.group}/${versionOf(r)}` === `${m[1]}/${m[2]}`),
    );
  }
  return undefined;
}
