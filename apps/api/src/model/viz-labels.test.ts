import { describe, expect, it } from 'vitest';
import { vizTargetLabels } from './viz-labels';

describe('linkerd-viz target labels', () => {
  it('maps proxy-<kind> to the workload label, jobs to k8s_job, other linkerd.io labels to their suffix', () => {
    expect(
      vizTargetLabels('booksapp', 'reindex-abcde', {
        app: 'reindex',
        'linkerd.io/control-plane-ns': 'linkerd',
        'linkerd.io/proxy-job': 'reindex',
        'linkerd.io/workload-ns': 'booksapp',
      }),
    ).toEqual({
      namespace: 'booksapp',
      pod: 'reindex-abcde',
      control_plane_ns: 'linkerd',
      k8s_job: 'reindex',
      workload_ns: 'booksapp',
    });
    expect(vizTargetLabels('ns', 'p', { 'linkerd.io/proxy-deployment': 'web' })).toEqual({
      namespace: 'ns',
      pod: 'p',
      deployment: 'web',
    });
  });
});
