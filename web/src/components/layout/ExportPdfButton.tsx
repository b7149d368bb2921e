// "Download PDF": builds this page's report as a PDF file in the browser (features/report-pdf:
// its range and filters, every card's figures, every chart as an image, page breaks between
// blocks) and downloads it. jsPDF is loaded on the first click only. The print layout
// (index.css @media print, PrintHeader) still serves the browser's own print.
import { useState } from 'react';
import { PAGES } from '../../app/pages';
import { useUrlFilters } from '../../features/filters/hooks/useUrlFilters';
import { printSummary } from '../../features/filters/lib/printSummary';
import { Icon } from '../ui/Icon';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'failed'; reason: string };

export function ExportPdfButton({ current }: { current: string }) {
  const [filters] = useUrlFilters();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const page = PAGES.find((p) => p.id === current);

  const download = async () => {
    const root = document.querySelector('main');
    if (!root || state.kind === 'busy') return;
    setState({ kind: 'busy' });
    try {
      const { downloadReportPdf } = await import('../../features/report-pdf/lib/renderPdf');
      const summary = printSummary(filters);
      downloadReportPdf(root, {
        pageId: current,
        title: `MLtrack Analytics - ${page?.label ?? current}`,
        range: summary.range,
        filters: summary.filters,
      });
      setState({ kind: 'idle' });
    } catch (error) {
      setState({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
    }
  };

  const label = state.kind === 'busy' ? 'Building PDF…' : state.kind === 'failed' ? 'PDF failed' : 'Download PDF';
  return (
    <button
      type="button"
      data-testid="export-pdf"
      data-state={state.kind}
      onClick={download}
      disabled={state.kind === 'busy'}
      title={state.kind === 'failed' ? `The PDF could not be built: ${state.reason}` : 'Download this page as a PDF report'}
      className="flex h-9 items-center gap-1.5 rounded-lg border border-border px-2.5 text-sm text-muted transition hover:bg-surface hover:text-fg disabled:opacity-60"
    >
      <Icon name="download" />
      <span className="hidden sm:inline">{label}</span>
      <span className="sr-only sm:hidden">{label}</span>
    </button>
  );
}
