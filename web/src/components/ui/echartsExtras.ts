// ECharts parts that only some pages draw: heatmaps and the visual map that colours them, the
// calendar, funnel, graph and radar. Each page's chart module that uses one imports this file for
// its side effect, so the Executive Dashboard's first chunks (components/ui/EChart.tsx) do not
// carry them (time to first chart, docs/performance.md).
import * as echarts from 'echarts/core';
import { FunnelChart, GraphChart, HeatmapChart, RadarChart } from 'echarts/charts';
import { CalendarComponent, RadarComponent, VisualMapComponent } from 'echarts/components';

echarts.use([HeatmapChart, VisualMapComponent, CalendarComponent, FunnelChart, GraphChart, RadarChart, RadarComponent]);
