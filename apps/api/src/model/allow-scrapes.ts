import { dump } from 'js-yaml';

export interface AllowScrapesOptions {
  /** The namespace whose proxies meshviz must be allowed to scrape. */
  namespace: string;
  /** Where meshviz runs, and its service account (its mTLS identity). */
  meshvizNamespace: string;
  serviceAccount: string;
}

const label = { 'app.kubernetes.io/managed-by': 'meshviz' };

/**
 * The policy that lets meshviz's own identity scrape every proxy's admin port
 * in a namespace whose default inbound policy is `deny` (linkerd2 #9150,
 * #10691), in the shape `linkerd viz allow-scrapes` uses: a Server for the
 * `linkerd-admin` port of every meshed pod, an HTTPRoute for `/metrics` on it,
 * and an AuthorizationPolicy admitting meshviz's ServiceAccount on that route
 * only. Probes (`/live`, `/ready`) are not opened: the kubelet's are another matter.
 */
export function allowScrapesManifests(o: AllowScrapesOptions): string {
  const meta = (name: string) => ({ name, namespace: o.namespace, labels: label });
  const docs = [
    {
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'Server',
      metadata: meta('meshviz-proxy-admin'),
      spec: {
        podSelector: {
          matchExpressions: [{ key: 'linkerd.io/control-plane-ns', operator: 'Exists' }],
        },
        port: 'linkerd-admin',
        proxyProtocol: 'HTTP/1',
      },
    },
    {
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'HTTPRoute',
      metadata: meta('meshviz-proxy-metrics'),
      spec: {
        parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'meshviz-proxy-admin' }],
        rules: [{ matches: [{ path: { type: 'Exact', value: '/metrics' }, method: 'GET' }] }],
      },
    },
    {
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'AuthorizationPolicy',
      metadata: meta('meshviz-scrape'),
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'meshviz-proxy-metrics' },
        requiredAuthenticationRefs: [
          { kind: 'ServiceAccount', name: o.serviceAccount, namespace: o.meshvizNamespace },
        ],
      },
    },
  ];
  return docs.map((d) => `---\n${dump(d, { lineWidth: 120 })}`).join('');
}
