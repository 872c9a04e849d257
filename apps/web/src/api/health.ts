import { queryOptions } from '@tanstack/react-query';
import { healthSchema } from '@meshviz/shared';
import { apiUrl } from './base-path';

export const healthQuery = () =>
  queryOptions({
    queryKey: ['health'],
    queryFn: async ({ signal }) => {
      const res = await fetch(apiUrl('/healthz'), { signal });
      if (!res.ok) throw new Error(`API answered ${res.status}`);
      return healthSchema.parse(await res.json());
    },
    refetchInterval: 10_000,
  });
