import { useQuery } from '@tanstack/react-query';
import { getAnomalies } from '../../../api/client';
import { dashboardParams, type Filters } from '../../filters/lib/filters';
import { anomalyParams } from '../../overview/lib/anomalies';
import { COST_METRIC } from '../lib/overTime';
import { COST_REFRESH_MS } from './useCost';

/**
 * Anomalies of the total cost over the filters' range at the cost-over-time chart's bucket
 * (`bucketMs`, known once the dashboard has answered). Disabled for buckets the detector does
 * not take; no placeholder across filter changes.
 */
export function useCostAnomalies(filters: Filters, bucketMs: number | undefined) {
  const params = bucketMs === undefined ? null : anomalyParams(dashboardParams(filters), COST_METRIC, bucketMs);
  return useQuery({
    queryKey: ['anomalies', params?.toString() ?? ''],
    queryFn: ({ signal }) => getAnomalies(params!, signal),
    enabled: params !== null,
    refetchInterval: COST_REFRESH_MS,
  });
}
