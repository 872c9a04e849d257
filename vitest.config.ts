import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit-node',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts', 'apps/{api,demo-mesh}/src/**/*.test.ts'],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'unit-web',
          environment: 'jsdom',
          include: ['apps/web/src/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['apps/*/test/**/*.int.test.ts', 'scripts/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // Each file starts its own demo mesh and Prometheus; two at a time fit 2 cores.
          maxWorkers: 2,
        },
      },
    ],
  },
});
