// A titled chart with export-to-PNG, export-to-CSV (the data behind the chart) and full-screen
// buttons. Renders the chart when its model is
// ready, a skeleton while loading, and a reason plus a next step when there is nothing to draw.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { motion } from 'motion/react';
import type { ChartModel } from '../../lib/chart';
import { downloadText, optionToTable, toCsv, type CsvTable } from '../../lib/chartCsv';
import { Card } from './Card';
import { EChart, type ChartClick, type EChartHandle } from './EChart';
import { EmptyState } from './EmptyState';
import { Icon } from './Icon';

interface ChartCardProps {
  id: string;
  title: string;
  description?: string;
  /** undefined while the data loads. */
  model: ChartModel | undefined;
  /** Background colour of an exported PNG (the current theme's). */
  exportBackground: string;
  className?: string;
  index?: number;
  /** Controls of the chart (e.g. a view switch), shown in the header before export and full screen. */
  actions?: ReactNode;
  /** Controls under the title (a metric switch); the chart keeps the rest of the height. */
  toolbar?: ReactNode;
  /** A click on a data element (drill-down into the filters). */
  onChartClick?: (params: ChartClick) => void;
  /** Height of the card when not full screen (Tailwind class); h-80 by default. */
  heightClass?: string;
  /** The rows behind the chart for its CSV export; by default they are read from the chart's option. */
  csv?: CsvTable;
}

const iconButton =
  'grid h-7 w-7 place-items-center rounded-md text-muted transition hover:bg-surface hover:text-fg focus-visible:outline-2 focus-visible:outline-primary disabled:opacity-40';

export function ChartCard({
  id,
  title,
  description,
  model,
  exportBackground,
  className = '',
  index = 0,
  actions,
  toolbar,
  onChartClick,
  heightClass = 'h-80',
  csv,
}: ChartCardProps) {
  const chartRef = useRef<EChartHandle>(null);
  const [fullScreen, setFullScreen] = useState(false);

  useEffect(() => {
    if (!fullScreen) return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setFullScreen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [fullScreen]);

  const exportPng = () => {
    const url = chartRef.current?.toPng(exportBackground);
    if (!url) return;
    const link = document.createElement('a');
    link.href = url;
    link.download = `mltrack-${id}.png`;
    link.click();
  };

  const csvTable = csv ?? (model?.kind === 'ready' ? optionToTable(model.option) : null);
  const exportCsv = () => csvTable && downloadText(toCsv(csvTable), `mltrack-${id}.csv`);

  const card = (
    <Card
      data-testid={`chart-${id}`}
      data-print-block=""
      className={`flex flex-col p-4 ${fullScreen ? 'fixed inset-4 z-50 shadow-2xl md:inset-10' : `${heightClass} ${className}`}`}
    >
      <header className="mb-2 flex flex-wrap items-start gap-x-2 gap-y-1">
        <div className="min-w-0 flex-1">
          <h3 className="text-sm font-semibold text-fg">{title}</h3>
          {description && <p className="truncate text-xs text-muted">{description}</p>}
        </div>
        {/* Below sm the controls take a row of their own, under the title. */}
        {actions && <div className="order-last w-full sm:order-none sm:w-auto">{actions}</div>}
        <div className="flex shrink-0 items-center gap-1">
          <button
            type="button"
            className={iconButton}
            onClick={exportPng}
            disabled={model?.kind !== 'ready'}
            title="Export PNG"
            aria-label={`Export ${title} as PNG`}
          >
            <Icon name="download" />
          </button>
          <button
            type="button"
            className={`${iconButton} text-[10px] font-semibold tracking-tight`}
            onClick={exportCsv}
            disabled={!csvTable || csvTable.rows.length === 0}
            title="Export the data as CSV"
            aria-label={`Export ${title} data as CSV`}
          >
            CSV
          </button>
          <button
            type="button"
            className={iconButton}
            onClick={() => setFullScreen((v) => !v)}
            title={fullScreen ? 'Exit full screen (Esc)' : 'Full screen'}
            aria-label={fullScreen ? `Exit full screen` : `Show ${title} full screen`}
            aria-pressed={fullScreen}
          >
            <Icon name={fullScreen ? 'shrink' : 'expand'} />
          </button>
        </div>
      </header>
      {toolbar}
      <div className="relative min-h-0 flex-1">
        {model === undefined && <div className="h-full w-full animate-pulse rounded-lg bg-surface" />}
        {model?.kind === 'empty' && <EmptyState compact icon="chart" title={model.reason} hint={model.hint} />}
        {model?.kind === 'ready' && (
          <EChart ref={chartRef} option={model.option} points={model.points} ariaLabel={title} onClick={onChartClick} />
        )}
      </div>
    </Card>
  );

  return (
    <motion.div
      initial={{ opacity: 0, y: 8 }}
      animate={{ opacity: 1, y: 0 }}
      transition={{ duration: 0.35, delay: 0.15 + index * 0.05, ease: 'easeOut' }}
      className={className}
    >
      {fullScreen ? (
        <>
          <div className={`${heightClass} rounded-xl border border-dashed border-border`} />
          {/* A portal: a transformed ancestor (the entry animation) would trap position: fixed. */}
          {createPortal(
            <>
              <div className="fixed inset-0 z-40 bg-black/40 backdrop-blur-sm" onClick={() => setFullScreen(false)} />
              {card}
            </>,
            document.body,
          )}
        </>
      ) : (
        card
      )}
    </motion.div>
  );
}
