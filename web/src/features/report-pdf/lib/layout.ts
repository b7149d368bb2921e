// The layout of a dashboard's PDF report (docs/exports.md "PDF"): blocks of text and charts placed
// top to bottom on A4 pages, a block never cut by a page break. Pure: sizes in millimetres in,
// positions out; renderPdf.ts draws them.

export interface TextBlock {
  kind: 'text';
  title: string;
  lines: string[];
}

export interface ChartBlock {
  kind: 'chart';
  title: string;
  /** The chart's pixel size (its aspect ratio is kept). */
  width: number;
  height: number;
  dataUrl: string;
}

export type ReportBlock = TextBlock | ChartBlock;

export interface PageGeometry {
  width: number;
  height: number;
  margin: number;
  /** The tallest a chart image is drawn. */
  maxChartHeight: number;
  lineHeight: number;
  titleHeight: number;
  gap: number;
}

export const A4: PageGeometry = {
  width: 210,
  height: 297,
  margin: 14,
  maxChartHeight: 72,
  lineHeight: 4.6,
  titleHeight: 6.5,
  gap: 5,
};

export interface Placed {
  block: ReportBlock;
  y: number;
  /** The block's whole height (title and body). */
  height: number;
  /** Of a chart's image. */
  imageWidth: number;
  imageHeight: number;
}

/** The drawn size of a chart image: the content width, lower when it would be taller than allowed. */
export function chartSize(block: ChartBlock, geometry: PageGeometry): { width: number; height: number } {
  const contentWidth = geometry.width - 2 * geometry.margin;
  if (block.width <= 0 || block.height <= 0) return { width: contentWidth, height: 0 };
  let width = contentWidth;
  let height = (contentWidth * block.height) / block.width;
  if (height > geometry.maxChartHeight) {
    height = geometry.maxChartHeight;
    width = (height * block.width) / block.height;
  }
  return { width, height };
}

/** A text block longer than a page, as pieces that each fit one ("(continued)" after the first). */
function splitText(block: TextBlock, geometry: PageGeometry): TextBlock[] {
  const room = geometry.height - 2 * geometry.margin - geometry.titleHeight;
  const perPage = Math.max(1, Math.floor(room / geometry.lineHeight));
  if (block.lines.length <= perPage) return [block];
  const pieces: TextBlock[] = [];
  for (let start = 0; start < block.lines.length; start += perPage) {
    const title = start === 0 ? block.title : `${block.title} (continued)`;
    pieces.push({ kind: 'text', title, lines: block.lines.slice(start, start + perPage) });
  }
  return pieces;
}

/** Places the blocks after a header of `headerHeight` on the first page; one array per page. */
export function planPages(blocks: ReportBlock[], geometry: PageGeometry, headerHeight: number): Placed[][] {
  const bottom = geometry.height - geometry.margin;
  const pages: Placed[][] = [[]];
  let y = geometry.margin + headerHeight;
  const pieces = blocks.flatMap((block): ReportBlock[] => (block.kind === 'text' ? splitText(block, geometry) : [block]));
  for (const block of pieces) {
    const image = block.kind === 'chart' ? chartSize(block, geometry) : { width: 0, height: 0 };
    const body = block.kind === 'chart' ? image.height : block.lines.length * geometry.lineHeight;
    const height = geometry.titleHeight + body;
    let onPage = pages[pages.length - 1]!;
    if (y + height > bottom && onPage.length > 0) {
      onPage = [];
      pages.push(onPage);
      y = geometry.margin;
    }
    onPage.push({ block, y, height, imageWidth: image.width, imageHeight: image.height });
    y += height + geometry.gap;
  }
  return pages;
}

const REPLACEMENTS: Record<string, string> = {
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2026': '...',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2022': '|',
  '\u00b7': '|',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u0394': 'delta ',
  '\u2191': 'up ',
  '\u2193': 'down ',
  '\u25b2': 'up',
  '\u25bc': 'down',
};

/**
 * Text the PDF's standard fonts can show (Latin-1): common typographic signs spelled in ASCII,
 * anything else outside Latin-1 as '?'.
 */
export function pdfText(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (REPLACEMENTS[char] !== undefined) out += REPLACEMENTS[char];
    else if (code <= 0xff) out += char;
    else out += '?';
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** A file name for the report: mltrack-<page>-<yyyy-mm-dd>.pdf. */
export function pdfFileName(pageId: string, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  return `mltrack-${pageId.replace(/[^a-z0-9-]+/gi, '-')}-${day}.pdf`;
}
