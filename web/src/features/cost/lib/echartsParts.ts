// The ECharts parts the cost and budget pages draw with beyond the shared ones
// (components/ui/EChart.tsx): heatmap, sankey and gauge, and the visual map of the heatmap.
// Importing this module registers them once (echarts.use is global and idempotent).
import * as echarts from 'echarts/core';
import { GaugeChart, HeatmapChart, SankeyChart } from 'echarts/charts';
import { VisualMapComponent } from 'echarts/components';

echarts.use([GaugeChart, HeatmapChart, SankeyChart, VisualMapComponent]);

export const COST_CHART_PARTS = true;
