import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { deleteBudget, getAlerts, getBudgets, saveBudget } from '../../../api/client';
import type { BudgetInput } from '../../../api/types';

export const BUDGETS_REFRESH_MS = 30_000;

export function useBudgets() {
  return useQuery({
    queryKey: ['budgets'],
    queryFn: ({ signal }) => getBudgets(signal),
    refetchInterval: BUDGETS_REFRESH_MS,
  });
}

export function useAlerts() {
  return useQuery({
    queryKey: ['alerts'],
    queryFn: ({ signal }) => getAlerts(signal),
    refetchInterval: BUDGETS_REFRESH_MS,
  });
}

/** Create (no id) or update a budget; refreshes budgets and alerts (a change may fire one). */
export function useSaveBudget() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ input, id }: { input: BudgetInput; id?: string }) => saveBudget(input, id),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['budgets'] });
      setTimeout(() => void client.invalidateQueries({ queryKey: ['alerts'] }), 500);
    },
  });
}

export function useDeleteBudget() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteBudget(id),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['budgets'] }),
  });
}
