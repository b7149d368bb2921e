import { useQuery } from '@tanstack/react-query';
import { getAnomalies } from '../../../api/client';
import { dashboardParams, type Filters } from '../../filters/lib/filters';
import { anomalyParams } from '../../overview/lib/anomalies';
import { PERFORMANCE_METRICS } from '../lib/anomalyMarkers';
import { PERFORMANCE_REFRESH_MS } from './usePerformance';

/**
 * Anomalies of the total p95 latency and error rate over the filters' range, at the time charts'
 * bucket (`bucketMs`, known once the dashboard has answered): one request for both metrics.
 * Disabled for buckets the detector does not take; no placeholder across filter changes.
 */
export function usePerformanceAnomalies(filters: Filters, bucketMs: number | undefined) {
  const params = bucketMs === undefined ? null : anomalyParams(dashboardParams(filters), PERFORMANCE_METRICS[0], bucketMs);
  for (const metric of PERFORMANCE_METRICS.slice(1)) params?.append('metric', metric);
  return useQuery({
    queryKey: ['anomalies', params?.toString() ?? ''],
    queryFn: ({ signal }) => getAnomalies(params!, signal),
    enabled: params !== null,
    refetchInterval: PERFORMANCE_REFRESH_MS,
  });
}
