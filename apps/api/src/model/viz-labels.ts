/**
 * The target labels linkerd-viz's `linkerd-proxy` scrape job gives a meshed
 * pod (mesh-facts §3): `namespace`, `pod`, one workload label per
 * `linkerd.io/proxy-<kind>` label (`k8s_job` for jobs, so as not to clash with
 * Prometheus's own `job`), and every other `linkerd.io/<x>` label as `<x>`
 * with `-`, `.` and `/` turned into `_`.
 */
export function vizTargetLabels(
  namespace: string,
  pod: string,
  podLabels: Record<string, string>,
): Record<string, string> {
  const labels: Record<string, string> = { namespace, pod };
  for (const [k, v] of Object.entries(podLabels)) {
    if (!k.startsWith('linkerd.io/')) continue;
    const rest = k.slice('linkerd.io/'.length);
    if (rest.startsWith('proxy-')) {
      const kind = rest.slice('proxy-'.length);
      labels[kind === 'job' ? 'k8s_job' : kind.replace(/[-./]/g, '_')] = v;
    } else {
      labels[rest.replace(/[-./]/g, '_')] = v;
    }
  }
  return labels;
}
