import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createAnnotation, deleteAnnotation, getPerformance } from '../../../api/client';
import type { AnnotationInput } from '../../../api/types';
import { dashboardParams, type Filters } from '../../filters/lib/filters';
import type { Slo } from '../lib/slo';

/** Refetch period of the dashboard; live push (features/live) updates the calls, errors and error bucket between. */
export const PERFORMANCE_REFRESH_MS = 30_000;

/** The dashboard's query parameters: the global filters and, when set, the latency objective. */
export function performanceParams(filters: Filters, slo: Slo | null): URLSearchParams {
  const params = dashboardParams(filters);
  if (slo) {
    params.set('slo_ms', String(slo.thresholdMs));
    params.set('slo_target', String(slo.target));
  }
  return params;
}

export function performanceQueryKey(filters: Filters, slo: Slo | null) {
  return ['performance', performanceParams(filters, slo).toString()] as const;
}

export function usePerformance(filters: Filters, slo: Slo | null) {
  const params = performanceParams(filters, slo);
  return useQuery({
    queryKey: performanceQueryKey(filters, slo),
    queryFn: ({ signal }) => getPerformance(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: PERFORMANCE_REFRESH_MS,
  });
}

/** Adding or deleting an annotation refreshes every dashboard that draws them. */
export function useAnnotationMutations() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['performance'] });
  const create = useMutation({ mutationFn: (input: AnnotationInput) => createAnnotation(input), onSuccess: refresh });
  const remove = useMutation({ mutationFn: (id: number) => deleteAnnotation(id), onSuccess: refresh });
  return { create, remove };
}
