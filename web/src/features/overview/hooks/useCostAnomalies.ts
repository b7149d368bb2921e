import { useQuery } from '@tanstack/react-query';
import { getAnomalies } from '../../../api/client';
import { dashboardParams, type Filters } from '../../filters/lib/filters';
import { anomalyParams } from '../lib/anomalies';
import { OVERVIEW_REFRESH_MS } from './useOverview';

/**
 * Cost anomalies of the total over the filters' range, at the cost trend's bucket (`bucketMs`,
 * known once the overview has answered). Disabled for buckets the detector does not take. No
 * placeholder across filter changes: another range's points would land on the wrong buckets.
 */
export function useCostAnomalies(filters: Filters, bucketMs: number | undefined) {
  const params = bucketMs === undefined ? null : anomalyParams(dashboardParams(filters), 'sum:cost_usd', bucketMs);
  return useQuery({
    queryKey: ['anomalies', params?.toString() ?? ''],
    queryFn: ({ signal }) => getAnomalies(params!, signal),
    enabled: params !== null,
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
}
