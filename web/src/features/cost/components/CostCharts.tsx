// Visualise layer of the cost page's charts: each prepare function's model goes to a ChartCard.
// Loaded lazily with ECharts; registers the heatmap and sankey parts it needs.
import { useMemo, useRef } from 'react';
import type { Anomaly, CostReport } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import { useTheme } from '../../../hooks/useTheme';
import { useHalfCardChartWidth } from '../hooks/useChartWidth';
import type { Filters } from '../../filters/lib/filters';
import '../lib/echartsParts';
import { breakdownLabel, breakdownModel, drillDown } from '../lib/breakdown';
import { efficiencyModel } from '../lib/efficiency';
import { flowModel } from '../lib/flows';
import { heatmapModel } from '../lib/heatmap';
import { anomalyCount } from '../../overview/lib/anomalies';
import { overTimeModel } from '../lib/overTime';
import { EfficiencyTable } from './EfficiencyTable';
import { StackPicker } from './StackPicker';
import '../../../components/ui/echartsExtras';

interface CostChartsProps {
  report: CostReport | undefined;
  filters: Filters;
  onFilters: (filters: Filters) => void;
  dimension: string;
  dimensions: string[];
  onDimension: (dimension: string) => void;
  stackBy: string;
  onStackBy: (stackBy: string) => void;
  /** Anomalies of the total cost at the chart's bucket (red points on the cost over time). */
  anomalies?: Anomaly[];
}

export function CostCharts(props: CostChartsProps) {
  const { report, filters, onFilters, dimension, dimensions, onDimension, stackBy, onStackBy, anomalies } = props;
  const { palette } = useTheme();
  const grid = useRef<HTMLDivElement>(null);
  const flowWidth = useHalfCardChartWidth(grid);
  // One memo per chart, on the parts of the report it draws: a live push (features/live
  // mergeCost) replaces the totals and over_time only, so the other charts are not set again.
  const overTimeData = report?.over_time;
  const range = report?.range;
  const overTime = useMemo(() => overTimeData && range && overTimeModel(overTimeData, range, palette, anomalies), [overTimeData, range, palette, anomalies]);
  const breakdowns = report?.breakdowns;
  const breakdown = useMemo(() => breakdowns && breakdownModel(breakdowns[dimension], dimension, palette), [breakdowns, dimension, palette]);
  const heatmapData = report?.heatmap;
  const heatmap = useMemo(() => heatmapData && heatmapModel(heatmapData.cells, heatmapData.tz, palette), [heatmapData, palette]);
  const flows = report?.flows;
  const teamFlow = useMemo(() => flows && flowModel(flows.team_experiment_model, palette, flowWidth), [flows, palette, flowWidth]);
  const providerFlow = useMemo(() => flows && flowModel(flows.provider_model, palette, flowWidth), [flows, palette, flowWidth]);
  const efficiencyData = report?.efficiency;
  const efficiency = useMemo(() => efficiencyData && efficiencyModel(efficiencyData, palette), [efficiencyData, palette]);
  const models = report && { overTime, breakdown, heatmap, teamFlow, providerFlow, efficiency };
  const bucket = report?.over_time.bucket ?? 'bucket';
  const background = palette.background;

  return (
    <div ref={grid} className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <ChartCard
        id="cost-over-time"
        title="Cost over time"
        description={`Cost per ${bucket}, stacked by ${breakdownLabel(stackBy).toLowerCase()}${
          anomalies && anomalies.length > 0 ? `; red points: ${anomalyCount(anomalies.length)} of the total` : ''
        }`}
        model={models?.overTime}
        exportBackground={background}
        className="lg:col-span-2"
        heightClass="h-96"
        actions={<StackPicker id="stack-by" label="Stack by" value={stackBy} options={dimensions} onChange={onStackBy} />}
        index={0}
      />
      <ChartCard
        id="cost-breakdown"
        title={`Cost by ${breakdownLabel(dimension).toLowerCase()}`}
        description="Top values and the rest; click a bar to filter by it"
        model={models?.breakdown}
        exportBackground={background}
        heightClass="h-96"
        actions={<StackPicker id="breakdown-by" label="Break down by" value={dimension} options={dimensions} onChange={onDimension} />}
        onChartClick={(params) => {
          const next = params.name ? drillDown(filters, dimension, params.name) : null;
          if (next) onFilters(next);
        }}
        index={1}
      />
      <ChartCard
        id="cost-heatmap"
        title="When the money is spent"
        description={`Cost by hour of day and weekday (${report?.heatmap.tz ?? 'UTC'})`}
        model={models?.heatmap}
        exportBackground={background}
        heightClass="h-96"
        index={2}
      />
      <ChartCard
        id="cost-flow-team"
        title="Cost flow: team → experiment → model"
        description="Where each team's spend goes"
        model={models?.teamFlow}
        exportBackground={background}
        heightClass="h-96"
        index={3}
      />
      <ChartCard
        id="cost-flow-provider"
        title="Cost flow: provider → model"
        description="What each provider is paid for"
        model={models?.providerFlow}
        exportBackground={background}
        heightClass="h-96"
        index={4}
      />
      <ChartCard
        id="cost-efficiency"
        title="Cost per 1K tokens by model"
        description="Input and output tokens priced separately (split by the catalogue's list prices)"
        model={models?.efficiency}
        exportBackground={background}
        heightClass="h-96"
        index={5}
      />
      <div className="lg:col-span-1">{report && <EfficiencyTable models={report.efficiency} />}</div>
    </div>
  );
}
