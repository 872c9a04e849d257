import { queryOptions } from '@tanstack/react-query';
import {
  egressResponseSchema,
  graphResponseSchema,
  mtlsResponseSchema,
  namespacesResponseSchema,
  routesResponseSchema,
  timeseriesResponseSchema,
  workloadDetailWithRoutesSchema,
  workloadsResponseSchema,
} from '@meshviz/shared';
import { getJson, query } from './fetch-json';

/**
 * One `queryOptions` factory per API resource. Keys are hierarchical and
 * hold every input, so a change of window or selection is a new query.
 */
export const meshKeys = {
  all: ['mesh'] as const,
  namespaces: (window: string) => [...meshKeys.all, 'namespaces', { window }] as const,
  workloads: (ns: string, window: string) =>
    [...meshKeys.all, 'namespaces', ns, 'workloads', { window }] as const,
  workload: (ref: WorkloadRef, window: string) =>
    [...meshKeys.all, 'namespaces', ref.namespace, ref.kind, ref.name, { window }] as const,
  routes: (ref: WorkloadRef, to: string | undefined, window: string) =>
    [...meshKeys.all, 'routes', ref.namespace, ref.kind, ref.name, { to, window }] as const,
  timeseries: (ref: WorkloadRef, subject: SeriesSubject, window: string) =>
    [
      ...meshKeys.all,
      'timeseries',
      ref.namespace,
      ref.kind,
      ref.name,
      { ...subject, window },
    ] as const,
  graph: (namespaces: string, window: string) =>
    [...meshKeys.all, 'graph', { namespaces, window }] as const,
  mtls: (window: string) => [...meshKeys.all, 'mtls', { window }] as const,
  egress: (window: string) => [...meshKeys.all, 'egress', { window }] as const,
};

export interface WorkloadRef {
  namespace: string;
  /** Plural kind as in URLs (`deployments`). */
  kind: string;
  name: string;
}

/** What a time series is about besides the workload: nothing, one peer, or one route. */
export interface SeriesSubject {
  peer?: string;
  to?: string;
  route?: string;
}

const enc = encodeURIComponent;

export const namespacesQuery = (window: string) =>
  queryOptions({
    queryKey: meshKeys.namespaces(window),
    queryFn: ({ signal }) =>
      getJson(`/api/v1/namespaces${query({ window })}`, namespacesResponseSchema, signal),
  });

export const workloadsQuery = (ns: string, window: string) =>
  queryOptions({
    queryKey: meshKeys.workloads(ns, window),
    queryFn: ({ signal }) =>
      getJson(
        `/api/v1/namespaces/${enc(ns)}/workloads${query({ window })}`,
        workloadsResponseSchema,
        signal,
      ),
  });

export const workloadQuery = (ref: WorkloadRef, window: string) =>
  queryOptions({
    queryKey: meshKeys.workload(ref, window),
    queryFn: ({ signal }) =>
      getJson(
        `/api/v1/namespaces/${enc(ref.namespace)}/${enc(ref.kind)}/${enc(ref.name)}${query({ window })}`,
        workloadDetailWithRoutesSchema,
        signal,
      ),
  });

export const routesQuery = (ref: WorkloadRef, to: string | undefined, window: string) =>
  queryOptions({
    queryKey: meshKeys.routes(ref, to, window),
    queryFn: ({ signal }) =>
      getJson(`/api/v1/routes${query({ ...ref, to, window })}`, routesResponseSchema, signal),
  });

export const timeseriesQuery = (ref: WorkloadRef, subject: SeriesSubject, window: string) =>
  queryOptions({
    queryKey: meshKeys.timeseries(ref, subject, window),
    queryFn: ({ signal }) =>
      getJson(
        `/api/v1/timeseries${query({ ...ref, ...subject, window })}`,
        timeseriesResponseSchema,
        signal,
      ),
  });

/** `namespaces` is `all` or a comma-separated list. */
export const graphQuery = (namespaces: string, window: string) =>
  queryOptions({
    queryKey: meshKeys.graph(namespaces, window),
    queryFn: ({ signal }) =>
      getJson(`/api/v1/graph${query({ namespaces, window })}`, graphResponseSchema, signal),
  });

export const mtlsQuery = (window: string) =>
  queryOptions({
    queryKey: meshKeys.mtls(window),
    queryFn: ({ signal }) =>
      getJson(`/api/v1/mtls${query({ window })}`, mtlsResponseSchema, signal),
  });

export const egressQuery = (window: string) =>
  queryOptions({
    queryKey: meshKeys.egress(window),
    queryFn: ({ signal }) =>
      getJson(`/api/v1/egress${query({ window })}`, egressResponseSchema, signal),
  });
