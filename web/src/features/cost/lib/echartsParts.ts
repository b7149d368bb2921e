// The ECharts parts the cost and budget pages draw with beyond the shared ones
// (components/ui/EChart.tsx, which also registers the heatmap and its visual map): sankey and gauge.
// Importing this module registers them once (echarts.use is global and idempotent).
import * as echarts from 'echarts/core';
import { GaugeChart, SankeyChart } from 'echarts/charts';

echarts.use([GaugeChart, SankeyChart]);

export const COST_CHART_PARTS = true;
