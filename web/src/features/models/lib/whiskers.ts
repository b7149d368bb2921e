// An interval drawn as a whisker with end caps, for a custom series whose data rows are
// [category index, lo, hi] on a horizontal value axis (categories on y).
import type { CustomSeriesOption } from 'echarts/charts';

type RenderItem = NonNullable<CustomSeriesOption['renderItem']>;

export function whiskerRenderItem(color: string, cap = 5): RenderItem {
  return (_params, api) => {
    const row = Number(api.value(0));
    const lo = api.coord([Number(api.value(1)), row]);
    const hi = api.coord([Number(api.value(2)), row]);
    const style = { stroke: color, lineWidth: 1.5, fill: 'none' };
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: lo[0]!, y1: lo[1]!, x2: hi[0]!, y2: hi[1]! }, style },
        { type: 'line', shape: { x1: lo[0]!, y1: lo[1]! - cap, x2: lo[0]!, y2: lo[1]! + cap }, style },
        { type: 'line', shape: { x1: hi[0]!, y1: hi[1]! - cap, x2: hi[0]!, y2: hi[1]! + cap }, style },
      ],
    };
  };
}
