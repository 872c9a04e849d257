/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the API injects <base href> so the SPA works under any base path.
  base: './',
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:8084',
      '/healthz': 'http://127.0.0.1:8084',
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
