// "Export PDF": the browser's print dialog with the print layout (index.css, @media print): no
// navigation or controls, a header with the page, range and filters (PrintHeader), and every chart
// in a block of its own, never split across pages. "Save as PDF" in the dialog gives the file.
import { Icon } from '../ui/Icon';

export function ExportPdfButton() {
  return (
    <button
      type="button"
      data-testid="export-pdf"
      onClick={() => window.print()}
      title="Export this page as a PDF report (print, then Save as PDF)"
      className="flex h-9 items-center gap-1.5 rounded-lg border border-border px-2.5 text-sm text-muted transition hover:bg-surface hover:text-fg"
    >
      <Icon name="download" />
      <span className="hidden sm:inline">Export PDF</span>
      <span className="sr-only sm:hidden">Export PDF</span>
    </button>
  );
}
