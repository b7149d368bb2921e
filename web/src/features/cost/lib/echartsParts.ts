// The ECharts parts the cost and budget pages draw with beyond the shared ones
// (components/ui/EChart.tsx, components/ui/echartsExtras.ts): sankey and gauge.
// Importing this module registers them once (echarts.use is global and idempotent).
import * as echarts from 'echarts/core';
import { GaugeChart, SankeyChart } from 'echarts/charts';

echarts.use([GaugeChart, SankeyChart]);

export const COST_CHART_PARTS = true;
