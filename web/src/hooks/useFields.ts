import { useQuery } from '@tanstack/react-query';
import { getFields } from '../api/client';

/** The store's tag keys, score names and whether it holds demo traffic (GET /api/v1/fields). */
export function useFields(enabled = true) {
  return useQuery({
    queryKey: ['fields'],
    queryFn: ({ signal }) => getFields(signal),
    enabled,
    staleTime: 60_000,
  });
}
