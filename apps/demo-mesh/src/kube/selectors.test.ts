import { describe, expect, it } from 'vitest';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';
import type { KubeObject } from './types';

const pod = (labels: Record<string, string>, phase = 'Running'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'emojivoto', labels },
  status: { phase },
});

describe('label selectors', () => {
  it('match equality, inequality, set and existence requirements together', () => {
    const sel = parseLabelSelector(
      'app=web,tier!=db,env in (prod, staging),linkerd.io/control-plane-ns,!legacy',
    );
    expect(sel(pod({ app: 'web', env: 'prod', 'linkerd.io/control-plane-ns': 'linkerd' }))).toBe(
      true,
    );
    expect(sel(pod({ app: 'web', env: 'dev', 'linkerd.io/control-plane-ns': 'linkerd' }))).toBe(
      false,
    );
    expect(
      sel(pod({ app: 'web', env: 'prod', 'linkerd.io/control-plane-ns': 'linkerd', legacy: 'y' })),
    ).toBe(false);
    expect(
      sel(pod({ app: 'web', env: 'prod', tier: 'db', 'linkerd.io/control-plane-ns': 'linkerd' })),
    ).toBe(false);
  });

  it('treats notin as true for objects without the label', () => {
    expect(parseLabelSelector('env notin (prod)')(pod({}))).toBe(true);
    expect(parseLabelSelector('env==prod')(pod({ env: 'prod' }))).toBe(true);
  });

  it('rejects malformed keys', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  it('match dotted paths with = and !=', () => {
    expect(
      parseFieldSelector('metadata.namespace=emojivoto,status.phase!=Succeeded')(pod({})),
    ).toBe(true);
    expect(parseFieldSelector('status.phase=Succeeded')(pod({}))).toBe(false);
  });

  it('rejects text that is not a requirement', () => {
    expect(() => parseFieldSelector('nonsense')).toThrow(SelectorError);
  });
});
