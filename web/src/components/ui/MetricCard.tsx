// A metric card: one or two headline figures with their change against the previous period,
// a few detail rows, an optional indicator pill and a caveat that is never hidden.
import { AnimatePresence, motion } from 'motion/react';
import type { Tone } from '../../lib/format';
import { Card } from './Card';
import { Icon, type IconName } from './Icon';
import { Sparkline } from './Sparkline';
import { TONE_PILL, TONE_TEXT } from './Tone';

export interface MetricFigure {
  id: string;
  label?: string;
  value: string;
  change: { text: string; tone: Tone; title: string };
}

export interface MetricDetail {
  label: string;
  value: string;
  tone?: Tone;
}

interface MetricCardProps {
  id: string;
  title: string;
  icon: IconName;
  figures: MetricFigure[];
  details: MetricDetail[];
  indicator?: { label: string; tone: Tone };
  warning?: string;
  emptyReason?: string;
  trend?: { label: string; values: (number | null)[] };
  /** Position 0..1 on a three-zone good → bad scale. */
  meter?: { position: number; label: string };
  /** Colour of the sparkline (the theme's primary). */
  accent?: string;
  index?: number;
}

export function MetricCard(props: MetricCardProps) {
  const { id, title, icon, figures, details, indicator, warning, emptyReason, trend, meter, accent, index = 0 } = props;
  return (
    <motion.div
      initial={{ opacity: 0, y: 8 }}
      animate={{ opacity: 1, y: 0 }}
      transition={{ duration: 0.35, delay: index * 0.04, ease: 'easeOut' }}
      className="h-full"
    >
      <Card data-testid={`card-${id}`} data-report-card="" className="flex h-full flex-col gap-3 p-4">
        <header className="flex items-center gap-2">
          <span className="grid h-7 w-7 place-items-center rounded-lg bg-primary/10 text-primary">
            <Icon name={icon} />
          </span>
          <h3 className="text-sm font-medium text-muted">{title}</h3>
          {indicator && (
            <span
              data-testid={`card-${id}-indicator`}
              className={`ml-auto rounded-full px-2 py-0.5 text-xs font-medium ${TONE_PILL[indicator.tone]}`}
            >
              {indicator.label}
            </span>
          )}
        </header>

        <div className={`grid gap-4 ${figures.length > 1 ? 'grid-cols-2' : 'grid-cols-1'}`}>
          {figures.map((figure) => (
            // min-h-8 (the value's line): between a live value's exit and the next one's entry the
            // box keeps its height, so nothing below it jumps on each push.
            <div key={figure.id} className="min-h-8 min-w-0" data-report-figure="">
              <AnimatePresence mode="wait" initial={false}>
                <motion.div
                  key={figure.value}
                  initial={{ opacity: 0, y: 4 }}
                  animate={{ opacity: 1, y: 0 }}
                  exit={{ opacity: 0, y: -4 }}
                  transition={{ duration: 0.2 }}
                  className="flex items-baseline gap-1.5"
                >
                  <span data-testid={`card-${figure.id}-value`} className="tabular truncate text-2xl font-semibold tracking-tight text-fg">
                    {figure.value}
                  </span>
                  {figure.label && <span className="text-sm text-muted">{figure.label}</span>}
                </motion.div>
              </AnimatePresence>
              {figure.change.text !== '' && (
                <div className="mt-1 flex items-center gap-1.5 text-xs whitespace-nowrap" title={figure.change.title}>
                  <span data-testid={`card-${figure.id}-change`} className={`tabular font-medium ${TONE_TEXT[figure.change.tone]}`}>
                    {figure.change.text}
                  </span>
                  <span className="whitespace-nowrap text-muted">vs prev. period</span>
                </div>
              )}
            </div>
          ))}
        </div>

        {emptyReason && <p className="text-xs text-muted">{emptyReason}</p>}

        {meter && (
          <div className="mt-auto" data-testid={`card-${id}-meter`}>
            <div className="relative flex h-1.5 gap-0.5">
              <span className="flex-1 rounded-l-full bg-success/70" />
              <span className="flex-1 bg-warning/70" />
              <span className="flex-1 rounded-r-full bg-danger/70" />
              <motion.span
                className="absolute -top-1 h-3.5 w-1 -translate-x-1/2 rounded-full bg-fg ring-2 ring-background"
                initial={{ left: '0%' }}
                animate={{ left: `${(Math.min(1, Math.max(0, meter.position)) * 100).toFixed(1)}%` }}
                transition={{ duration: 0.6, ease: 'easeOut' }}
              />
            </div>
            <p className="mt-1.5 text-[11px] text-muted">{meter.label}</p>
          </div>
        )}

        {trend && accent && (
          <div className="mt-auto" data-testid={`card-${id}-trend`}>
            <Sparkline values={trend.values} color={accent} label={trend.label} />
            <p className="text-[11px] text-muted">{trend.label}</p>
          </div>
        )}

        <dl className={`${trend || meter ? '' : 'mt-auto'} grid grid-cols-[repeat(auto-fit,minmax(80px,1fr))] gap-x-3 gap-y-1 border-t border-border pt-3`}>
          {details.map((detail) => (
            <div key={detail.label} className="min-w-0" data-report-detail="">
              <dt className="truncate text-[11px] uppercase tracking-wide text-muted">{detail.label}</dt>
              <dd className={`tabular truncate text-sm font-medium ${detail.tone ? TONE_TEXT[detail.tone] : 'text-fg'}`}>
                {detail.value}
              </dd>
            </div>
          ))}
        </dl>

        {warning && (
          <p
            data-testid={`card-${id}-warning`}
            className="flex items-start gap-1.5 rounded-lg bg-warning/10 px-2 py-1.5 text-xs text-amber-700 dark:text-amber-300"
          >
            <Icon name="alert" className="mt-px h-3.5 w-3.5 shrink-0" />
            <span>{warning}</span>
          </p>
        )}
      </Card>
    </motion.div>
  );
}
