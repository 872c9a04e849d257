import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

function config(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseConfig(argv, env);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.config;
}

describe('configuration', () => {
  it('when given nothing, uses embedded mode on 127.0.0.1:8084 with a 10s scrape and 1h retention', () => {
    const c = config(['--kubeconfig', '/tmp/kc']);
    expect(c.prometheusUrl).toBeUndefined();
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 8084 });
    expect(c.scrapeInterval).toBe(10);
    expect(c.retention).toBe(3600);
    expect(c.linkerdNamespace).toBe('linkerd');
  });

  it('when flags and environment both speak, flags win', () => {
    const c = config(['--listen', '0.0.0.0:9000'], {
      MESHVIZ_LISTEN: '127.0.0.1:1',
      KUBECONFIG: '/k',
    });
    expect(c.listen).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(c.kubeconfig).toBe('/k');
  });

  it('when a value is bad, the error names the flag', () => {
    expect(() => config(['--scrape-interval', 'soon'])).toThrow(
      /--scrape-interval: not a duration/,
    );
    expect(() => config(['--prometheus-url', 'ftp://x'])).toThrow(/--prometheus-url/);
    expect(() => config(['--base-path', 'no-slash'])).toThrow(/--base-path/);
  });

  it("accepts localhost and exactly its own Service's names by default, nothing else", () => {
    const { allowedHosts } = config(['--namespace', 'observability']);
    for (const ok of [
      'localhost:8084',
      '127.0.0.1',
      '[::1]:8084',
      'meshviz:8084',
      'meshviz.observability',
      'meshviz.observability.svc:8084',
      'meshviz.observability.svc.cluster.local:8084',
    ]) {
      expect(allowedHosts.test(ok), ok).toBe(true);
    }
    for (const bad of [
      'evil.com',
      'localhost.evil.com',
      '127.0.0.1.nip.io',
      // Not a prefix pattern: another namespace, or a longer name, is refused.
      'meshviz.attacker.example',
      'meshviz.other.svc.cluster.local',
      'meshviz.observability.svc.cluster.local.evil.com',
    ]) {
      expect(allowedHosts.test(bad), bad).toBe(false);
    }
    expect(config([]).allowedHosts.test('meshviz.meshviz.svc.cluster.local')).toBe(true);
  });

  it('strips a trailing slash from the base path', () => {
    expect(config(['--base-path', '/meshviz/']).basePath).toBe('/meshviz');
    expect(config([]).basePath).toBe('');
  });

  it('takes the tap caps from flags or the environment, and refuses nonsense', () => {
    expect(config([])).toMatchObject({ tapMaxStreams: 8, tapCallsPerSecond: 50 });
    expect(config(['--tap-max-streams', '2', '--tap-calls-per-second', '10'])).toMatchObject({
      tapMaxStreams: 2,
      tapCallsPerSecond: 10,
    });
    expect(() => config(['--tap-max-streams', 'many'])).toThrow('--tap-max-streams');
    expect(() => config(['--tap-calls-per-second', '0'])).toThrow('--tap-calls-per-second');
  });
});
