// Saved reports on the server (/api/v1/reports): the list, one report, and the changes to them.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createReport, deleteReport, getReport, getReports, postQuery, updateReport } from '../../../api/client';
import type { QuerySpec, ReportInput, ReportUpdate } from '../../../api/types';

export function useReports() {
  return useQuery({ queryKey: ['reports'], queryFn: ({ signal }) => getReports(signal) });
}

export function useReport(id: number | null) {
  return useQuery({
    queryKey: ['report', id],
    queryFn: ({ signal }) => getReport(id!, signal),
    enabled: id !== null,
    retry: false,
  });
}

export function useCreateReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ReportInput) => createReport(input),
    onSuccess: (report) => {
      client.setQueryData(['report', report.id], report);
      void client.invalidateQueries({ queryKey: ['reports'] });
    },
  });
}

export function useUpdateReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, update }: { id: number; update: ReportUpdate }) => updateReport(id, update),
    onSuccess: (report) => {
      client.setQueryData(['report', report.id], report);
      void client.invalidateQueries({ queryKey: ['reports'] });
    },
  });
}

export function useDeleteReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => deleteReport(id),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['reports'] }),
  });
}

/** The live preview: the builder's spec run by POST /api/v1/query; the last answer stays while the next loads. */
export function useReportResult(spec: QuerySpec, enabled: boolean) {
  return useQuery({
    queryKey: ['explore', spec],
    queryFn: ({ signal }) => postQuery(spec, signal),
    enabled,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
