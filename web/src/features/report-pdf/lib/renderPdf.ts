// Builds a dashboard's PDF report with jsPDF and downloads it (docs/exports.md "PDF"). Loaded only
// when a user asks for a PDF (ExportPdfButton imports it dynamically), so jsPDF is a chunk of its
// own. Under the server's CSP (script-src 'self'): jsPDF needs no eval and the file is saved
// through a blob: link.
import * as echarts from 'echarts/core';
import { jsPDF } from 'jspdf';
import { collectBlocks, type ChartImage } from './collect';
import { A4, pdfFileName, pdfText, planPages, type ReportBlock } from './layout';

export interface ReportHeader {
  pageId: string;
  /** e.g. "MLtrack Analytics - Executive" */
  title: string;
  range: string;
  filters: string;
}

const HEADER_HEIGHT = 22;

// The chart as a JPEG on its card's background (a PNG would be re-compressed by jsPDF: slow).
function chartImage(element: HTMLElement): ChartImage | null {
  const chart = echarts.getInstanceByDom(element);
  if (!chart || element.clientWidth === 0 || element.clientHeight === 0) return null;
  const card = element.closest('[data-print-block]');
  const background = card ? getComputedStyle(card).backgroundColor : '#ffffff';
  const dataUrl = chart.getDataURL({ type: 'jpeg', pixelRatio: 2, backgroundColor: background });
  return { dataUrl, width: element.clientWidth, height: element.clientHeight };
}

function shown(element: HTMLElement): boolean {
  return element.getClientRects().length > 0;
}

// Long lines wrapped to the content width in the font they are drawn in.
function wrapped(doc: jsPDF, blocks: ReportBlock[], width: number): ReportBlock[] {
  doc.setFont('helvetica', 'normal').setFontSize(9);
  return blocks.map((block) =>
    block.kind === 'text'
      ? { ...block, title: pdfText(block.title), lines: block.lines.flatMap((line) => doc.splitTextToSize(pdfText(line), width) as string[]) }
      : { ...block, title: pdfText(block.title) },
  );
}

export function buildReportPdf(root: HTMLElement, header: ReportHeader, now = new Date()): jsPDF {
  const doc = new jsPDF({ unit: 'mm', format: 'a4', compress: false });
  const contentWidth = A4.width - 2 * A4.margin;
  const blocks = wrapped(doc, collectBlocks(root, { image: chartImage, visible: shown }), contentWidth);
  const pages = planPages(blocks, A4, HEADER_HEIGHT);
  doc.setProperties({ title: pdfText(header.title), creator: 'MLtrack Analytics' });

  doc.setFont('helvetica', 'bold').setFontSize(16).setTextColor(17, 24, 39);
  doc.text(pdfText(header.title), A4.margin, A4.margin + 5);
  doc.setFont('helvetica', 'normal').setFontSize(9).setTextColor(75, 85, 99);
  doc.text(`Range: ${pdfText(header.range)}`, A4.margin, A4.margin + 11);
  doc.text(doc.splitTextToSize(`Filters: ${pdfText(header.filters)}`, contentWidth)[0] as string, A4.margin, A4.margin + 15.5);
  doc.text(`Generated ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`, A4.margin, A4.margin + 20);

  pages.forEach((placed, pageIdx) => {
    if (pageIdx > 0) doc.addPage();
    for (const item of placed) {
      doc.setFont('helvetica', 'bold').setFontSize(11).setTextColor(17, 24, 39);
      doc.text(item.block.title, A4.margin, item.y + 4.5);
      if (item.block.kind === 'chart') {
        doc.addImage(item.block.dataUrl, 'JPEG', A4.margin, item.y + A4.titleHeight, item.imageWidth, item.imageHeight);
      } else {
        doc.setFont('helvetica', 'normal').setFontSize(9).setTextColor(55, 65, 81);
        item.block.lines.forEach((line, lineIdx) => {
          doc.text(line, A4.margin, item.y + A4.titleHeight + (lineIdx + 0.75) * A4.lineHeight);
        });
      }
    }
    doc.setFont('helvetica', 'normal').setFontSize(8).setTextColor(107, 114, 128);
    doc.text(`Page ${pageIdx + 1} of ${pages.length}`, A4.width - A4.margin, A4.height - 6, { align: 'right' });
  });
  return doc;
}

/** Builds the report of the page under `root` and saves it as mltrack-<page>-<day>.pdf. */
export function downloadReportPdf(root: HTMLElement, header: ReportHeader): void {
  const now = new Date();
  const blob = buildReportPdf(root, header, now).output('blob');
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = pdfFileName(header.pageId, now);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
