import { queryOptions } from '@tanstack/react-query';
import {
  controlPlaneResponseSchema,
  findingsResponseSchema,
  policyResponseSchema,
  serviceConfigSchema,
  workloadAccessSchema,
} from '@meshviz/shared';
import { getJson, query } from './fetch-json';
import { meshKeys, type WorkloadRef } from './mesh';

const enc = encodeURIComponent;

/** Configuration and its findings: policy, route config, findings, control plane. */
export const configKeys = {
  policy: (ns: string, window: string) => [...meshKeys.all, 'policy', ns, { window }] as const,
  access: (ref: WorkloadRef) =>
    [...meshKeys.all, 'access', ref.namespace, ref.kind, ref.name] as const,
  serviceConfig: (ns: string, name: string) =>
    [...meshKeys.all, 'service-config', ns, name] as const,
  findings: (window: string) => [...meshKeys.all, 'findings', { window }] as const,
  controlPlane: () => [...meshKeys.all, 'control-plane'] as const,
};

export const policyQuery = (ns: string, window: string) =>
  queryOptions({
    queryKey: configKeys.policy(ns, window),
    queryFn: ({ signal }) =>
      getJson(
        `/api/v1/namespaces/${enc(ns)}/policy${query({ window })}`,
        policyResponseSchema,
        signal,
      ),
  });

export const accessQuery = (ref: WorkloadRef) =>
  queryOptions({
    queryKey: configKeys.access(ref),
    queryFn: ({ signal }) =>
      getJson(
        `/api/v1/namespaces/${enc(ref.namespace)}/${enc(ref.kind)}/${enc(ref.name)}/access`,
        workloadAccessSchema,
        signal,
      ),
  });

export const serviceConfigQuery = (ns: string, name: string) =>
  queryOptions({
    queryKey: configKeys.serviceConfig(ns, name),
    queryFn: ({ signal }) =>
      getJson(
        `/api/v1/namespaces/${enc(ns)}/services/${enc(name)}/config`,
        serviceConfigSchema,
        signal,
      ),
  });

export const findingsQuery = (window: string) =>
  queryOptions({
    queryKey: configKeys.findings(window),
    queryFn: ({ signal }) =>
      getJson(`/api/v1/findings${query({ window })}`, findingsResponseSchema, signal),
  });

export const controlPlaneQuery = () =>
  queryOptions({
    queryKey: configKeys.controlPlane(),
    queryFn: ({ signal }) => getJson('/api/v1/control-plane', controlPlaneResponseSchema, signal),
  });
