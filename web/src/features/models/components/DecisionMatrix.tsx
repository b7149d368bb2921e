// The weighted decision matrix: a heatmap of the normalised metrics per model, ranked, with one
// weight slider per metric; moving a slider re-ranks at once (lib/decision.ts, no request).
import { useMemo, useState } from 'react';
import type { ModelComparison } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { ChartCard } from '../../../components/ui/ChartCard';
import { useTheme } from '../../../hooks/useTheme';
import { decisionHeatmapModel, decisionMetrics, initialWeights, rankModels, type Weights } from '../lib/decision';
import '../../../components/ui/echartsExtras';

export function DecisionMatrix({ comparison, index }: { comparison: ModelComparison; index: number }) {
  const { palette } = useTheme();
  const [weights, setWeights] = useState<Weights>(() => initialWeights(comparison));
  const metrics = decisionMetrics(comparison);
  // Axes that appear later (a new comparison) start at 0.
  const effective = useMemo(() => {
    const out: Weights = {};
    for (const axis of metrics) out[axis.metric] = weights[axis.metric] ?? 0;
    return out;
  }, [metrics, weights]);
  const model = useMemo(() => decisionHeatmapModel(comparison, effective, palette), [comparison, effective, palette]);
  const leader = rankModels(comparison, effective)[0];
  const total = Object.values(effective).reduce((a, b) => a + b, 0);

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
      <ChartCard
        id="decision-matrix"
        title="Decision matrix"
        description="Normalised per metric: 1 = best of these models, 0 = worst; no data counts as 0"
        model={model}
        exportBackground={palette.background}
        className="lg:col-span-2"
        index={index}
      />
      <Card className="flex flex-col gap-3 p-4" data-testid="decision-weights">
        <header>
          <h3 className="text-sm font-semibold text-fg">Weights</h3>
          <p className="text-xs text-muted">
            {leader && total > 0 ? (
              <>
                Best fit: <b data-testid="decision-leader" className="text-fg">{leader.model}</b> ({leader.score.toFixed(2)})
              </>
            ) : (
              'Give a metric some weight to rank the models.'
            )}
          </p>
        </header>
        {metrics.map((axis) => {
          const value = effective[axis.metric] ?? 0;
          const share = total > 0 ? Math.round((value / total) * 100) : 0;
          return (
            <label key={axis.metric} className="flex flex-col gap-1 text-xs text-muted">
              <span className="flex justify-between">
                <span className="text-fg">
                  {axis.label} <span className="text-muted">({axis.better} is better)</span>
                </span>
                <span className="tabular-nums">{share}%</span>
              </span>
              <input
                type="range"
                min={0}
                max={100}
                step={5}
                value={value}
                data-testid={`weight-${axis.metric}`}
                aria-label={`Weight of ${axis.label}`}
                onChange={(event) => setWeights({ ...effective, [axis.metric]: Number(event.target.value) })}
                className="accent-primary"
              />
            </label>
          );
        })}
        <button
          type="button"
          onClick={() => setWeights(initialWeights(comparison))}
          className="self-start text-xs font-medium text-primary hover:underline"
        >
          Reset to the default weights
        </button>
      </Card>
    </div>
  );
}
