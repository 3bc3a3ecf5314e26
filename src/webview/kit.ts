// What every part of the results panel shares: DOM helpers, the theme's colours, the charts it has
// made (redrawn when the theme changes) and export of a chart as PNG and of its data as CSV.
import type { Chart } from 'chart.js';
import type { FromResultsWebview } from '../protocol';

declare function acquireVsCodeApi(): { postMessage(m: FromResultsWebview): void; getState(): unknown; setState(s: unknown): void };
export const vscode = acquireVsCodeApi();

export const $ = <T extends HTMLElement>(sel: string, root: ParentNode = document): T => {
  const e = root.querySelector<T>(sel);
  if (!e) throw new Error(`missing ${sel}`);
  return e;
};

/** An element with attributes and text (always textContent: nothing from a run is parsed as HTML). */
export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
};

export const cssVar = (name: string, fallback: string): string =>
  getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

/** The theme's colours, read when a chart is made (high-contrast themes give their own). */
export function themeColors() {
  const palette = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-yellow', '--vscode-charts-red']
    .map((v, i) => cssVar(v, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#cca700', '#f14c4c'][i]));
  return {
    fg: cssVar('--vscode-foreground', '#ccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999'),
    grid: cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)'),
    bg: cssVar('--vscode-editor-background', '#1e1e1e'),
    passed: cssVar('--vscode-testing-iconPassed', '#73c991'),
    failed: cssVar('--vscode-testing-iconFailed', '#f14c4c'),
    errored: cssVar('--vscode-testing-iconErrored', '#f14c4c'),
    warn: cssVar('--vscode-editorWarning-foreground', '#cca700'),
    contrastBorder: cssVar('--vscode-contrastBorder', ''),
    palette,
  };
}
export type ThemeColors = ReturnType<typeof themeColors>;

/** With alpha: "#rrggbb" or "rgb(…)" → rgba. */
export function alpha(color: string, a: number): string {
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/.exec(color);
  if (rgb) { const [r, g, b] = rgb[1].split(',').map((x) => x.trim()); return `rgba(${r}, ${g}, ${b}, ${a})`; }
  return color;
}

/** Charts by id: made again from scratch when the theme changes (their colours are fixed when made). */
export const charts = new Map<string, Chart>();
export function dropCharts(): void {
  for (const c of charts.values()) c.destroy();
  charts.clear();
}

export function csvCell(v: unknown): string {
  const s = v == null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export const toCsv = (rows: unknown[][]): string => rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

/** A canvas as PNG on the editor's background (charts are transparent), base64 without the data: prefix. */
export function canvasPng(canvas: HTMLCanvasElement): string {
  const out = document.createElement('canvas');
  out.width = canvas.width; out.height = canvas.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = themeColors().bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  return out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

/** "PNG" and "CSV" buttons for a chart: the extension asks where to save. */
export function exportButtons(name: string, canvas: () => HTMLCanvasElement | null, csv: () => string): HTMLElement {
  const box = el('span', { class: 'export' });
  const png = el('vscode-button' as 'button', { secondary: '', 'data-export': 'png', title: `Save the chart as ${name}.png` }, 'PNG');
  const data = el('vscode-button' as 'button', { secondary: '', 'data-export': 'csv', title: `Save the chart's data as ${name}.csv` }, 'CSV');
  png.addEventListener('click', () => { const c = canvas(); if (c) vscode.postMessage({ type: 'export', name: `${name}.png`, format: 'png', data: canvasPng(c) }); });
  data.addEventListener('click', () => vscode.postMessage({ type: 'export', name: `${name}.csv`, format: 'csv', data: csv() }));
  box.append(png, data);
  return box;
}

/** A card: a title with its export buttons, then the body. */
export function card(id: string, title: string, tools: HTMLElement[] = []): { root: HTMLElement; body: HTMLElement } {
  const root = el('div', { class: 'card', id });
  const head = el('div', { class: 'card-head' });
  head.append(el('h3', {}, title), ...tools);
  const body = el('div', { class: 'card-body' });
  root.append(head, body);
  return { root, body };
}
