import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { darkPalette, lightPalette, type Palette } from './palette';

// index.css and palette.ts both hold the palette; a chart must never drift from the cards around it.
const css = readFileSync(fileURLToPath(new URL('../index.css', import.meta.url)), 'utf8');

function cssBlock(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const body = css.slice(start, css.indexOf('}', start));
  const vars: Record<string, string> = {};
  for (const match of body.matchAll(/--([a-z-]+):\s*([^;]+);/g)) vars[match[1]!] = match[2]!.trim();
  return vars;
}

function expectSame(vars: Record<string, string>, palette: Palette) {
  expect(vars['primary']).toBe(palette.primary);
  expect(vars['success']).toBe(palette.success);
  expect(vars['warning']).toBe(palette.warning);
  expect(vars['danger']).toBe(palette.danger);
  expect(vars['neutral']).toBe(palette.neutral);
  expect(vars['background']).toBe(palette.background);
  expect(vars['surface']).toBe(palette.surface);
  expect(vars['border']).toBe(palette.border);
  expect(vars['text']).toBe(palette.text);
  expect(vars['text-muted']).toBe(palette.textMuted);
}

describe('palette', () => {
  it('light palette is the brief palette and matches index.css', () => {
    expect(lightPalette.primary).toBe('#6366f1');
    expect(lightPalette.background).toBe('#ffffff');
    expect(lightPalette.surface).toBe('#f9fafb');
    expectSame(cssBlock(':root'), lightPalette);
  });
  it('dark palette matches index.css', () => {
    expectSame(cssBlock('.dark'), darkPalette);
  });
});
