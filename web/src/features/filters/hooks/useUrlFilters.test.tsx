// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useUrlFilters } from './useUrlFilters';

afterEach(() => window.history.replaceState(null, '', '/'));

describe('useUrlFilters', () => {
  it('writes filters to the URL and follows back/forward', async () => {
    window.history.replaceState(null, '', '/?model=gpt-4o');
    const { result } = renderHook(() => useUrlFilters());
    expect(result.current[0].dims.model).toEqual(['gpt-4o']);

    act(() => {
      const [filters, setFilters] = result.current;
      setFilters({ ...filters, range: { kind: 'preset', preset: '7d' }, tags: [{ key: 'env', value: 'prod' }] });
    });
    expect(window.location.search).toBe('?range=7d&model=gpt-4o&tag=env%3Aprod');
    expect(result.current[0].tags).toEqual([{ key: 'env', value: 'prod' }]);

    await act(async () => {
      const popped = new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));
      window.history.back();
      await popped;
    });
    expect(window.location.search).toBe('?model=gpt-4o');
    expect(result.current[0].range).toEqual({ kind: 'preset', preset: '30d' });
    expect(result.current[0].tags).toEqual([]);
  });
});
