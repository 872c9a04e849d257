import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { TAP_RESOURCES } from '@meshviz/shared';
import { watchedResources } from '../../apps/api/src/sources/kubernetes/resources';

/**
 * `deploy/` as `kubectl apply -k` would apply it, rendered by kubectl's own
 * kustomize: least-privilege RBAC for exactly what the API watches, and a
 * hardened Deployment.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  spec?: {
    template?: {
      spec: {
        serviceAccountName?: string;
        securityContext?: Record<string, unknown>;
        containers: {
          args?: string[];
          readinessProbe?: { httpGet?: { path: string } };
          livenessProbe?: { httpGet?: { path: string } };
          resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
          securityContext?: Record<string, unknown>;
        }[];
      };
    };
    ports?: { port: number }[];
  };
}

const render = (dir: string) =>
  (
    loadAll(execFileSync('kubectl', ['kustomize', dir], { cwd: root, encoding: 'utf8' })) as Doc[]
  ).filter(Boolean);

describe('deploy/ rendered with kubectl kustomize', () => {
  const docs = render('deploy');
  const find = (kind: string, namespace?: string) =>
    docs.filter((d) => d.kind === kind && (!namespace || d.metadata.namespace === namespace));

  it('grants only get, list and watch, never on Secrets, and on every resource the API watches', () => {
    const roles = [...find('ClusterRole'), ...find('Role')];
    const rules = roles.flatMap((r) => r.rules ?? []);
    expect(new Set(rules.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list', 'watch']));
    expect(rules.flatMap((r) => r.resources)).not.toContain('secrets');
    expect(rules.flatMap((r) => r.resources)).not.toContain('*');
    const granted = (group: string, plural: string, namespace?: string) =>
      roles.some(
        (role) =>
          (role.kind === 'ClusterRole' || role.metadata.namespace === namespace) &&
          (role.rules ?? []).some(
            (r) => r.apiGroups.includes(group) && r.resources.includes(plural),
          ),
      );
    for (const r of watchedResources('linkerd')) {
      const group = r.apiVersion.includes('/') ? (r.apiVersion.split('/')[0] ?? '') : '';
      expect(granted(group, r.plural, r.namespace), `${group}/${r.plural}`).toBe(true);
    }
    // ConfigMaps only in Linkerd's namespace (linkerd-config), not cluster-wide.
    expect(
      find('ClusterRole')
        .flatMap((r) => r.rules ?? [])
        .flatMap((r) => r.resources),
    ).not.toContain('configmaps');
    const binding = find('ClusterRoleBinding')[0] as unknown as {
      subjects: { name: string; namespace: string }[];
    };
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'meshviz', namespace: 'meshviz' },
    ]);
  });

  it('runs a hardened, probed, meshed Deployment behind a Service on 8084', () => {
    expect(find('Namespace')[0]?.metadata.annotations?.['linkerd.io/inject']).toBe('enabled');
    const deployment = find('Deployment', 'meshviz')[0];
    const pod = deployment?.spec?.template?.spec;
    const c = pod?.containers[0];
    expect(pod?.serviceAccountName).toBe('meshviz');
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(c?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c?.resources?.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(c?.resources?.limits?.memory).toBeDefined();
    expect(c?.args).toEqual(['--listen', '0.0.0.0:8084']);
    expect(find('Service', 'meshviz')[0]?.spec?.ports?.map((p) => p.port)).toEqual([8084]);
  });

  it('allows tap only with its own overlay: watch on the tap subresources, nothing more', () => {
    const tapGroup = (d: Doc[]) =>
      d
        .filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')
        .flatMap((r) => r.rules ?? [])
        .filter((r) => r.apiGroups.includes('tap.linkerd.io'));
    // The base install cannot tap: a tap shows requests as they happen, more than metrics do.
    expect(tapGroup(docs)).toEqual([]);
    const withTap = render('deploy/tap');
    const rules = tapGroup(withTap);
    expect(rules.flatMap((r) => r.verbs)).toEqual(['watch']);
    // linkerd-viz's APIService serves these resources, each with a `tap` subresource.
    expect(new Set(rules.flatMap((r) => r.resources))).toEqual(
      new Set(TAP_RESOURCES.map((r) => `${r}/tap`)),
    );
    const binding = withTap.find(
      (d) => d.kind === 'ClusterRoleBinding' && d.metadata.name === 'meshviz-tap',
    ) as unknown as { subjects: { name: string; namespace: string }[] };
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'meshviz', namespace: 'meshviz' },
    ]);
    // Everything else is the base install, unchanged.
    expect(withTap.filter((d) => !d.metadata.name.startsWith('meshviz-tap'))).toEqual(docs);
  });

  it("switches to linkerd-viz's Prometheus with one overlay", () => {
    const deployment = render('deploy/prometheus').find((d) => d.kind === 'Deployment');
    expect(deployment?.spec?.template?.spec.containers[0]?.args).toContain(
      '--prometheus-url=http://prometheus.linkerd-viz.svc.cluster.local:9090',
    );
  });
});
