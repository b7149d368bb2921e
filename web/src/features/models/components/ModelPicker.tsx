// The models being compared (chips, removable), a dropdown to add models, and the quality score
// the cost-vs-quality chart and the decision matrix use.
import { useState } from 'react';
import { Icon } from '../../../components/ui/Icon';
import { MultiSelect } from '../../../components/ui/MultiSelect';
import { useFilterOptions } from '../../filters/hooks/useFilterOptions';
import type { Filters } from '../../filters/lib/filters';

export const MAX_MODELS = 10;

interface ModelPickerProps {
  filters: Filters;
  /** The models shown now (the server's default top 5 until the user picks). */
  models: string[];
  colors: Map<string, string>;
  isDefault: boolean;
  onModels: (models: string[]) => void;
  scores: string[];
  quality: string | null;
  onQuality: (quality: string) => void;
}

export function ModelPicker({ filters, models, colors, isDefault, onModels, scores, quality, onQuality }: ModelPickerProps) {
  const [open, setOpen] = useState(false);
  const [scoreOpen, setScoreOpen] = useState(false);
  const options = useFilterOptions(filters, 'model', open);

  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="model-picker">
      <span className="text-xs font-medium uppercase tracking-wide text-muted">Comparing</span>
      {models.map((model) => (
        <span
          key={model}
          data-testid="model-chip"
          className="inline-flex h-7 max-w-full items-center gap-1.5 rounded-full border border-border bg-background pl-2.5 pr-1 text-sm text-fg"
        >
          <span className="h-2.5 w-2.5 shrink-0 rounded-full" style={{ background: colors.get(model) }} />
          <span className="truncate">{model}</span>
          <button
            type="button"
            disabled={models.length <= 1}
            onClick={() => onModels(models.filter((m) => m !== model))}
            aria-label={`Remove ${model} from the comparison`}
            className="grid h-5 w-5 place-items-center rounded-full text-muted hover:bg-surface hover:text-fg disabled:opacity-30"
          >
            <Icon name="x" className="h-3 w-3" />
          </button>
        </span>
      ))}
      <MultiSelect
        id="compare-models"
        label={models.length >= MAX_MODELS ? `At most ${MAX_MODELS} models` : 'Models'}
        searchPlaceholder="Search models…"
        selected={models}
        onChange={(values) => values.length > 0 && onModels(values.slice(0, MAX_MODELS))}
        options={options.data}
        loading={options.isLoading}
        error={options.error ? 'Could not load the models' : undefined}
        open={open}
        onOpenChange={setOpen}
      />
      {!isDefault && (
        <button type="button" onClick={() => onModels([])} className="text-xs font-medium text-primary hover:underline">
          Top 5 by calls
        </button>
      )}
      {scores.length > 0 && (
        <div className="ml-auto flex items-center gap-2">
          <span className="text-xs text-muted">Quality score</span>
          <MultiSelect
            id="quality-score"
            label="Score"
            single
            selected={quality ? [quality.replace(/^scores\./, '')] : []}
            onChange={([name]) => name && onQuality(`scores.${name}`)}
            options={scores.map((value) => ({ value }))}
            open={scoreOpen}
            onOpenChange={setScoreOpen}
          />
        </div>
      )}
    </div>
  );
}
