import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MTLS_DASH } from '../features/graph/MetricEdge';
import { MtlsMark } from './MtlsMark';

afterEach(cleanup);

const some = {
  state: 'some' as const,
  securedShare: 0.625,
  reasons: [{ reason: 'no_tls_from_remote', share: 0.375 }],
  clientIdentity: null,
  serverIdentities: ['web.shop.serviceaccount.identity.linkerd.cluster.local'],
};

describe('mTLS mark', () => {
  it('opens its tooltip on focus and closes it on Escape, keeping the focus', () => {
    render(<MtlsMark mtls={some} />);
    const mark = screen.getByRole('button', { name: 'mTLS some 62.5%' });
    act(() => mark.focus());
    expect(screen.getByRole('tooltip').textContent).toContain(
      'plaintext 37.5%: no_tls_from_remote',
    );
    fireEvent.keyDown(mark, { key: 'Escape' });
    expect(screen.queryByRole('tooltip')).toBeNull();
    expect(document.activeElement).toBe(mark);
  });

  it('on a graph edge, draws some mTLS unlike all and unlike none', () => {
    const lines = new Set([MTLS_DASH.all ?? 'solid', MTLS_DASH.some, MTLS_DASH.none]);
    expect(lines.size).toBe(3);
  });
});
