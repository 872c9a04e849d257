import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTextFormat } from '../../prometheus/text-format';
import { eq, ne, nre, re } from '../engine';
import { ChunkedColumns, SAMPLES_PER_CHUNK } from './chunks';
import { KEPT_FAMILIES } from './reduce';
import { parseValue, scanSamples } from './scan';
import { SampleStore } from './store';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/linkerd-proxy/${name}`, import.meta.url));
const target = { namespace: 'ns', pod: 'web-1', deployment: 'web' };

/**
 * Writes columns' values scrape by scrape from scrape `first`, as a target
 * does: each with the last present value before it.
 */
function writeAll(c: ChunkedColumns, first: number, columns: number[][]): void {
  c.fit(columns.length);
  const previous = columns.map(() => 0);
  const scrapes = Math.max(...columns.map((v) => v.length));
  for (let i = 0; i < scrapes; i++) {
    c.begin(first + i);
    columns.forEach((values, slot) => {
      const v = values[i] ?? Number.NaN;
      c.append(slot, first + i, v, previous[slot] as number);
      if (!Number.isNaN(v)) previous[slot] = v;
    });
  }
}

function readAll(c: ChunkedColumns, slot: number, from = 0): number[] {
  const out: number[] = [];
  c.read(slot, from, Infinity, (_, v) => out.push(v));
  return out;
}

const present = (values: number[]) => values.filter((v) => !Number.isNaN(v));

describe('sample chunks', () => {
  it('give back every value written: integers, negatives, fractions, huge values; missing ones skipped', () => {
    const values = [0, 5, 5, 1_000_000_007, 3, -42, 0.25, 1e300, 2 ** 53, Number.NaN, 7, -0.5];
    const c = new ChunkedColumns();
    writeAll(c, 10, [values]);
    expect(readAll(c, 0)).toEqual(present(values));
    const seqs: number[] = [];
    c.read(0, 12, 14, (seq) => seqs.push(seq));
    expect(seqs).toEqual([12, 13, 14]);
  });

  it('start from nothing, not from the value before them, until they hold a present value', () => {
    // A gauge's column: 5 was its last value, in the chunk before; this one starts missing.
    const c = new ChunkedColumns();
    const values = [...Array.from({ length: SAMPLES_PER_CHUNK - 1 }, () => 4), 5];
    writeAll(c, 0, [[...values, Number.NaN, 7, 9]]);
    expect(readAll(c, 0, SAMPLES_PER_CHUNK)).toEqual([7, 9]);
    expect(readAll(c, 0)).toEqual([...values, 7, 9]);
  });

  it('read any range alike, whether it starts at the chunk, at a mark or between marks, sealed or not', () => {
    const c = new ChunkedColumns();
    const values: number[] = [];
    for (let i = 0; i < SAMPLES_PER_CHUNK; i++)
      // Counters, a missing gauge sample now and then, and a fraction written raw.
      values.push(i % 17 === 5 ? Number.NaN : i % 29 === 3 ? i + 0.5 : i * 3);
    const check = () => {
      for (const from of [960, 983, 984, 985, 1010, 1060, 1079]) {
        const got: [number, number][] = [];
        c.read(0, from, 1079, (seq, v) => got.push([seq, v]));
        const want = values
          .map((v, i) => [960 + i, v] as [number, number])
          .filter(([seq, v]) => seq >= from && !Number.isNaN(v));
        expect(got).toEqual(want);
      }
    };
    // Scrape 960 starts a period (960 = 8 chunks): the column's samples fill one chunk.
    writeAll(c, 960, [values]);
    check();
    c.begin(960 + SAMPLES_PER_CHUNK);
    check();
  });

  it('give any one sample from the nearest mark as a full read gives it, NaN where missing', () => {
    const c = new ChunkedColumns();
    writeAll(c, 480, [
      Array.from({ length: SAMPLES_PER_CHUNK + 50 }, (_, i) =>
        i % 13 === 4 ? Number.NaN : i % 31 === 2 ? i / 4 : 1000 - i * i,
      ),
    ]);
    const full = new Map<number, number>();
    c.read(0, 480, 480 + SAMPLES_PER_CHUNK + 50, (seq, v) => full.set(seq, v));
    expect(full.size).toBeGreaterThan(SAMPLES_PER_CHUNK);
    for (let seq = 479; seq <= 480 + SAMPLES_PER_CHUNK + 50; seq++)
      expect(c.valueAt(0, seq)).toEqual(full.get(seq) ?? Number.NaN);
  });

  it("keep each column's samples apart in one buffer, however much more one column writes than another", () => {
    // One byte a sample beside nine (fractions, written raw): the wide column outgrows
    // its room again and again, and the buffer is packed anew.
    const narrow = Array.from({ length: 2 * SAMPLES_PER_CHUNK + 30 }, (_, i) => 5000 + i);
    const wide = narrow.map((v, i) => (i % 11 === 3 ? Number.NaN : v / 8));
    const c = new ChunkedColumns();
    writeAll(c, 0, [narrow, wide, [...narrow].reverse(), wide.slice(0, 150)]);
    expect(readAll(c, 0)).toEqual(narrow);
    expect(readAll(c, 1)).toEqual(present(wide));
    expect(readAll(c, 2)).toEqual([...narrow].reverse());
    // A column with nothing more to give writes missing samples, one byte each.
    expect(readAll(c, 3)).toEqual(present(wide.slice(0, 150)));
    expect(c.valueAt(1, SAMPLES_PER_CHUNK + 1)).toBe(wide[SAMPLES_PER_CHUNK + 1]);
  });

  it('keep the columns asked for at new slots, sealed samples and written ones alike', () => {
    const c = new ChunkedColumns();
    const cols = [0, 1, 2].map((k) =>
      Array.from({ length: SAMPLES_PER_CHUNK + 40 }, (_, i) => k * 1000 + i),
    );
    writeAll(c, 0, cols);
    // A column made after the first chunk was sealed.
    c.fit(4);
    const late = Array.from({ length: 10 }, (_, i) => 7 + i / 2);
    for (let i = 0; i < 10; i++) {
      const seq = SAMPLES_PER_CHUNK + 40 + i;
      c.begin(seq);
      cols.forEach((values, slot) => {
        values.push(slot * 1000 + seq);
        c.append(slot, seq, slot * 1000 + seq, slot * 1000 + seq - 1);
      });
      c.append(3, seq, late[i] as number, (late[i - 1] ?? 0) as number);
    }
    c.keepOnly([3, 2, 0]);
    expect(readAll(c, 0)).toEqual(late);
    expect(readAll(c, 1)).toEqual(cols[2]);
    expect(readAll(c, 2)).toEqual(cols[0]);
    expect(c.valueAt(0, 5)).toBeNaN();
    expect(c.valueAt(1, 5)).toBe(2005);
  });

  it('spend one byte on a counter that did not move or moved by little', () => {
    const c = new ChunkedColumns();
    let v = 1_234_567;
    writeAll(c, 0, [[v]]);
    const firstBytes = c.tally().sampleBytes;
    const values = Array.from({ length: SAMPLES_PER_CHUNK - 1 }, (_, i) => (v += (i + 1) % 3));
    const more = new ChunkedColumns();
    writeAll(more, 0, [[1_234_567, ...values]]);
    expect(more.tally().sampleBytes - firstBytes).toBe(SAMPLES_PER_CHUNK - 1);
    expect(more.tally().samples).toBe(SAMPLES_PER_CHUNK);
  });
});

describe('scrape text scanning', () => {
  it('finds every sample line of a real scrape, with braces and spaces inside label values', () => {
    const body = Buffer.from(
      [
        '# HELP x y',
        'plain_total 3',
        'odd_total{path="/a b}c",q="say \\"hi\\""} 4 1700000000000',
        'inf_gauge +Inf',
        'slash_total{dir="C:\\\\",x="}"} 5',
        '',
      ].join('\n'),
    );
    const seen: [string, number][] = [];
    scanSamples(body, {
      sample(_h1, _h2, s, e, vs, ve) {
        seen.push([body.subarray(s, e).toString(), parseValue(body, vs, ve)]);
      },
    });
    expect(seen).toEqual([
      ['plain_total', 3],
      ['odd_total{path="/a b}c",q="say \\"hi\\""}', 4],
      ['inf_gauge', Infinity],
      // A value ending in an escaped backslash: its quote closes it.
      ['slash_total{dir="C:\\\\",x="}"}', 5],
    ]);
  });

  it('reads values as Number() does', () => {
    for (const text of ['0', '42', '-7', '123456789012345', '1.5', '1e3', 'NaN', '-Inf', '0.001']) {
      const b = Buffer.from(text);
      expect(parseValue(b, 0, b.length)).toEqual(Number(text.replace('Inf', 'Infinity')));
    }
  });
});

describe('embedded store', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('stores a real proxy scrape read as bytes exactly as the parsed samples', () => {
    for (const name of [
      'legacy-2022-sample.metrics.txt',
      'outbound-route-2025-sample.metrics.txt',
    ]) {
      const body = fixture(name);
      const fromText = new SampleStore(10, 3600);
      const fromSamples = new SampleStore(10, 3600);
      const { samples } = parseTextFormat(body.toString('utf8'));
      fromText.ingestText('a', target, 1000, body);
      fromSamples.ingest('a', target, 1000, samples);
      const families = [...new Set(samples.map((s) => s.name))].filter((n) => KEPT_FAMILIES.has(n));
      expect(families.length).toBeGreaterThan(0);
      for (const f of families) {
        const sort = (views: { labels: Record<string, string> }[]) =>
          views.map((v) => JSON.stringify(v)).sort();
        expect(sort(fromText.select(f, [], 0, 2000))).toEqual(
          sort(fromSamples.select(f, [], 0, 2000)),
        );
      }
    }
  });

  it('answers matchers from its index, testing a regular expression once per label value', () => {
    const store = new SampleStore(10, 3600);
    const pods = Array.from({ length: 40 }, (_, i) => `web-${i}`);
    for (const pod of pods)
      store.ingest(pod, { ...target, pod }, 1000, [
        { name: 'request_total', labels: { direction: 'inbound', dst_service: 'a' }, value: 1 },
        { name: 'request_total', labels: { direction: 'outbound', dst_service: 'b' }, value: 1 },
        { name: 'request_total', labels: { direction: 'outbound' }, value: 1 },
      ]);
    const test = vi.spyOn(RegExp.prototype, 'test');
    const views = store.select(
      'request_total',
      [re('pod', 'web-(1|2)'), eq('direction', 'outbound')],
      0,
      2000,
    );
    // Each of the 40 values of `pod` once, and "" once (does it take series without the label?),
    // not once per series (120).
    expect(test.mock.calls.length).toBe(pods.length + 1);
    expect(views.map((v) => v.labels.pod).sort()).toEqual(['web-1', 'web-1', 'web-2', 'web-2']);
    // A matcher that accepts "" also takes series without the label.
    expect(store.select('request_total', [eq('dst_service', '')], 0, 2000)).toHaveLength(40);
    expect(store.select('request_total', [ne('dst_service', 'b')], 0, 2000)).toHaveLength(80);
    expect(store.select('request_total', [nre('dst_service', '.+')], 0, 2000)).toHaveLength(40);
    expect(store.select('request_total', [eq('dst_service', 'c')], 0, 2000)).toEqual([]);
    // With a driving matcher, and then without: one query's refusals do not carry to the next.
    expect(
      store.select('request_total', [eq('direction', 'outbound'), ne('dst_service', 'b')], 0, 2000),
    ).toHaveLength(40);
    expect(store.select('request_total', [eq('direction', 'outbound')], 0, 2000)).toHaveLength(80);
    expect(store.select('no_such_total', [], 0, 2000)).toEqual([]);
  });

  it("keeps the kubelet probes' counts but not their latency histograms", () => {
    const store = new SampleStore(10, 3600);
    const probe = { direction: 'inbound', authz_kind: 'default', authz_name: 'probe' };
    const app = { direction: 'inbound', authz_kind: 'default', authz_name: 'all-unauthenticated' };
    const route = (name: string) => ({ route_kind: 'default', route_name: name });
    store.ingest('a', target, 1000, [
      { name: 'response_total', labels: { ...probe, classification: 'success' }, value: 6 },
      { name: 'response_total', labels: { ...app, classification: 'success' }, value: 9 },
      { name: 'response_latency_ms_bucket', labels: { ...probe, le: '1' }, value: 6 },
      { name: 'response_latency_ms_bucket', labels: { ...app, le: '1' }, value: 9 },
      // Outbound series name no authorization: a client's are kept whatever they carry.
      { name: 'response_latency_ms_bucket', labels: { direction: 'outbound', le: '1' }, value: 3 },
      { name: 'inbound_http_requests_total', labels: route('probe'), value: 6 },
      {
        name: 'inbound_http_response_duration_seconds_bucket',
        labels: { ...route('probe'), le: '0.05' },
        value: 6,
      },
      {
        name: 'inbound_http_response_duration_seconds_bucket',
        labels: { ...route('default'), le: '0.05' },
        value: 9,
      },
    ]);
    const names = (f: string, label: string) =>
      store
        .select(f, [], 0, 2000)
        .map((v) => v.labels[label] ?? '')
        .sort();
    expect(names('response_total', 'authz_name')).toEqual(['all-unauthenticated', 'probe']);
    expect(names('response_latency_ms_bucket', 'authz_name')).toEqual(['', 'all-unauthenticated']);
    expect(names('inbound_http_requests_total', 'route_name')).toEqual(['probe']);
    expect(names('inbound_http_response_duration_seconds_bucket', 'route_name')).toEqual([
      'default',
    ]);
  });

  it('does not count a raw series that comes back after a gap as an increase', () => {
    const store = new SampleStore(10, 3600);
    const a = {
      name: 'request_total',
      labels: { direction: 'inbound', target_addr: 'x' },
      value: 0,
    };
    const b = {
      name: 'request_total',
      labels: { direction: 'inbound', target_addr: 'y' },
      value: 0,
    };
    store.ingest('p', target, 1000, [
      { ...a, value: 10 },
      { ...b, value: 100 },
    ]);
    store.ingest('p', target, 1010, [{ ...a, value: 12 }]);
    // b returns at 150: its 50 were counted nowhere, and must not show as one scrape's increase.
    store.ingest('p', target, 1020, [
      { ...a, value: 15 },
      { ...b, value: 150 },
    ]);
    store.ingest('p', target, 1030, [
      { ...a, value: 16 },
      { ...b, value: 151 },
    ]);
    expect(store.select('request_total', [], 0, 2000)[0]?.values).toEqual([110, 112, 115, 117]);
  });

  it('forgets series no raw series fed for a whole ring, and chunks older than the ring', () => {
    const store = new SampleStore(5, 3600);
    const keep = { name: 'request_total', labels: { direction: 'inbound' }, value: 1 };
    const gone = { name: 'request_total', labels: { direction: 'outbound' }, value: 1 };
    store.ingest('p', target, 1000, [keep, gone]);
    for (let i = 1; i <= SAMPLES_PER_CHUNK + 10; i++) {
      store.ingest('p', target, 1000 + i, [{ ...keep, value: 1 + i }]);
      store.expire(1000 + i);
    }
    const views = store.select('request_total', [], 0, 1e6);
    expect(views.map((v) => v.labels.direction)).toEqual(['inbound']);
    expect(views[0]?.values).toHaveLength(5);
    // One chunk (the head) is all a 5-sample ring needs once the first has aged out.
    expect(store.stats().samples).toBeLessThanOrEqual(SAMPLES_PER_CHUNK);
  });
});
