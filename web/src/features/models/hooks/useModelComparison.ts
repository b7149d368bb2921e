import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getModelComparison } from '../../../api/client';
import { dashboardParams, type Filters } from '../../filters/lib/filters';

/** The dashboard's own parameters: the models picked (empty = the server's default) and the score. */
export interface CompareChoice {
  models: string[];
  quality: string | null;
}

export function compareParams(filters: Filters, choice: CompareChoice): URLSearchParams {
  const params = dashboardParams(filters);
  if (choice.models.length > 0) params.set('models', choice.models.join(','));
  if (choice.quality) params.set('quality', choice.quality);
  return params;
}

export function useModelComparison(filters: Filters, choice: CompareChoice) {
  const params = compareParams(filters, choice);
  return useQuery({
    queryKey: ['models-compare', params.toString()],
    queryFn: ({ signal }) => getModelComparison(params, signal),
    placeholderData: keepPreviousData,
    retry: (count, error) => count < 2 && !(error instanceof Error && 'status' in error && (error as { status: number }).status === 400),
  });
}
