// Visualise layer of the comparison: radar, cost vs quality with the Pareto frontier, head-to-head
// bars (one metric at a time) and the decision matrix. Loaded lazily with ECharts.
import { useMemo, useState } from 'react';
import type { ModelComparison } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import { useTheme } from '../../../hooks/useTheme';
import { costQualityModel } from '../lib/costQuality';
import { headToHeadModel } from '../lib/headToHead';
import { MODEL_METRICS, findMetric, scoreLabel } from '../lib/metrics';
import { radarModel } from '../lib/radar';
import { DecisionMatrix } from './DecisionMatrix';
import '../../../components/ui/echartsExtras';

function MetricTabs({ value, onChange }: { value: string; onChange: (key: string) => void }) {
  return (
    <div className="mb-2 flex gap-1 overflow-x-auto pb-1" role="tablist" aria-label="Head-to-head metric">
      {MODEL_METRICS.map((metric) => (
        <button
          key={metric.key}
          type="button"
          role="tab"
          aria-selected={metric.key === value}
          data-testid={`h2h-${metric.key}`}
          onClick={() => onChange(metric.key)}
          className={`h-6 shrink-0 rounded-md px-2 text-xs font-medium transition ${
            metric.key === value ? 'bg-primary/15 text-primary' : 'text-muted hover:bg-surface hover:text-fg'
          }`}
        >
          {metric.label}
        </button>
      ))}
    </div>
  );
}

export function ModelCharts({ comparison }: { comparison: ModelComparison }) {
  const { palette } = useTheme();
  const [metricKey, setMetricKey] = useState('cost');
  const metric = findMetric(metricKey) ?? MODEL_METRICS[0]!;
  const models = useMemo(
    () => ({
      radar: radarModel(comparison, palette),
      costQuality: costQualityModel(comparison, palette),
      headToHead: headToHeadModel(comparison, metric, palette),
    }),
    [comparison, metric, palette],
  );
  const score = scoreLabel(comparison.quality);

  return (
    <div className="flex flex-col gap-4">
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2 xl:grid-cols-3">
      <ChartCard
        id="radar"
        title="Multi-metric radar"
        description="0–1 per axis across these models; outer is better"
        model={models.radar}
        exportBackground={palette.background}
        index={0}
      />
      <ChartCard
        id="cost-quality"
        title="Cost vs quality"
        description={`Cost per 1K tokens against mean ${score}; the dashed line is the Pareto frontier`}
        model={models.costQuality}
        exportBackground={palette.background}
        index={1}
      />
      <ChartCard
        id="head-to-head"
        title="Head to head"
        description={metric.interval ? 'Whiskers: 95 % intervals; ★ best' : '★ best of these models'}
        model={models.headToHead}
        exportBackground={palette.background}
        index={2}
        toolbar={<MetricTabs value={metricKey} onChange={setMetricKey} />}
        className="lg:col-span-2 xl:col-span-1"
      />
      </div>
      <DecisionMatrix key={comparison.models.map((m) => m.model).join(',')} comparison={comparison} index={3} />
    </div>
  );
}
