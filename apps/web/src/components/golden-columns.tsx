import type { GraphEdge, Golden, Mtls } from '@meshviz/shared';
import { formatLatency, formatLatencyBucket, formatRps } from '../format/format';
import type { Column } from './DataTable';
import { SuccessRate } from './Metric';
import { MtlsMark } from './MtlsMark';

/**
 * Success rate, RPS and p50/p95/p99 columns for any row carrying golden
 * metrics. With `latencyBucketsMs` (a coarse histogram), latencies show as the bucket they lie in.
 */
export function goldenColumns<T>(
  golden: (row: T) => Golden,
  latencyBucketsMs?: readonly number[] | null,
): Column<T>[] {
  const latency = (q: 'p50' | 'p95' | 'p99'): Column<T> => ({
    key: q,
    header: `Latency ${q.toUpperCase()}`,
    numeric: true,
    value: (r) => golden(r).latencyMs[q],
    render: (r) =>
      latencyBucketsMs
        ? formatLatencyBucket(golden(r).latencyMs[q], latencyBucketsMs)
        : formatLatency(golden(r).latencyMs[q]),
  });
  return [
    {
      key: 'sr',
      header: 'Success rate',
      numeric: true,
      value: (r) => golden(r).successRate,
      render: (r) => <SuccessRate value={golden(r).successRate} />,
    },
    {
      key: 'rps',
      header: 'RPS',
      numeric: true,
      value: (r) => golden(r).rps,
      render: (r) => formatRps(golden(r).rps),
    },
    latency('p50'),
    latency('p95'),
    latency('p99'),
  ];
}

/** The mTLS share as its three-state mark, sorted by the share secured. */
export function mtlsColumn<T>(mtls: (row: T) => Mtls, header = 'mTLS'): Column<T> {
  return {
    key: 'mtls',
    header,
    numeric: true,
    value: (r) => mtls(r).securedShare,
    render: (r) => <MtlsMark mtls={mtls(r)} />,
  };
}

/** An edge's success rate, RPS, p95 and mTLS, for any row carrying a graph edge. */
export function edgeColumns<T>(edge: (row: T) => GraphEdge): Column<T>[] {
  return [
    {
      key: 'sr',
      header: 'Success rate',
      numeric: true,
      value: (r) => edge(r).successRate,
      render: (r) => <SuccessRate value={edge(r).successRate} />,
    },
    {
      key: 'rps',
      header: 'RPS',
      numeric: true,
      value: (r) => edge(r).rps,
      render: (r) => formatRps(edge(r).rps),
    },
    {
      key: 'p95',
      header: 'Latency P95',
      numeric: true,
      value: (r) => edge(r).latencyMs.p95,
      render: (r) => formatLatency(edge(r).latencyMs.p95),
    },
    mtlsColumn((r) => edge(r).mtls),
  ];
}
