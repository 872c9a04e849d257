import { describe, expect, it } from 'vitest';
import { appTrafficMatchers } from './app-traffic';

describe('appTrafficMatchers', () => {
  it("leaves out the admin ports and the kubelet's probes where a family can tell them", () => {
    // Legacy families carry target_port and the authorization (the real 2022 scrape).
    expect(appTrafficMatchers('response_total', ['4191'])).toEqual([
      { label: 'target_port', op: '!=', value: '4191' },
      { label: 'authz_name', op: '!=', value: 'probe' },
    ]);
    // Several admin ports: one regular expression, each port written literally.
    expect(appTrafficMatchers('tcp_open_total', ['4191', '9990'])).toEqual([
      { label: 'target_port', op: '!~', value: '4191|9990' },
    ]);
    // Current proxies' inbound route families: the default route `probe`.
    expect(appTrafficMatchers('inbound_http_requests_total', ['4191'])).toEqual([
      { label: 'route_name', op: '!=', value: 'probe' },
    ]);
    // Outbound route families see neither: a probe never leaves the pod.
    expect(appTrafficMatchers('outbound_http_route_request_statuses_total', ['4191'])).toEqual([]);
  });
});
