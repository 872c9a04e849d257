import { QueryClient } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';

afterEach(() => vi.unstubAllGlobals());

describe('app shell', () => {
  it('when the API answers, shows the navigation and the API version', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ status: 'ok', version: '9.9.9' }))),
    );
    render(
      <App queryClient={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />,
    );
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Graph' })).toBeTruthy();
    expect(await screen.findByText('API 9.9.9')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Namespaces' })).toBeTruthy();
  });

  it('when the API is unreachable, says so', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('down', { status: 502 })),
    );
    render(
      <App queryClient={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />,
    );
    expect(await screen.findByText('API unreachable')).toBeTruthy();
  });
});
