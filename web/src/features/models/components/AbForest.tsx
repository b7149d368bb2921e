// The A/B interval chart (lazily loaded with ECharts).
import { useMemo } from 'react';
import type { AbComparison } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import { useTheme } from '../../../hooks/useTheme';
import { abForestModel } from '../lib/abForest';

export function AbForest({ comparison }: { comparison: AbComparison }) {
  const { palette } = useTheme();
  const model = useMemo(() => abForestModel(comparison, palette), [comparison, palette]);
  return (
    <ChartCard
      id="ab-intervals"
      title={`${comparison.b.value} vs ${comparison.a.value}`}
      description="B's difference from A with 95 % intervals: % of A for means, percentage points for rates"
      model={model}
      exportBackground={palette.background}
    />
  );
}
