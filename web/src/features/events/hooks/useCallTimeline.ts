import { useQuery } from '@tanstack/react-query';
import { getCallTimeline } from '../../../api/client';

export function useCallTimeline(kind: 'trace' | 'session', id: string) {
  return useQuery({
    queryKey: ['timeline', kind, id],
    queryFn: ({ signal }) => getCallTimeline(kind, id, signal),
    retry: (count, error) => count < 2 && !(error instanceof Error && 'status' in error && error.status === 404),
  });
}
