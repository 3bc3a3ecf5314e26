// Heat map of arms × problems: each cell is one arm's pass rate on one problem (passed / scored
// samples), in the theme's failed → passed colours; grey where nothing was scored. Hover names the
// cell, a click opens the problem. Exports PNG and CSV.
import type { ProblemResult, RunDetail } from '../../protocol';
import { modelDisplayName } from '../../extension/format';
import { buildRows, cellRate } from '../browse';
import { sampleCount } from '../../protocol/panel';
import { card, el, exportButtons, themeColors, toCsv } from '../kit';
import type { PanelSection, SectionContext } from './index';

const ROW_H = 20;
const LABEL_W = 150;

function mix(a: string, b: string, t: number): string {
  const rgb = (c: string): number[] => {
    const h = /^#([0-9a-f]{6})/i.exec(c);
    if (h) { const n = parseInt(h[1], 16); return [(n >> 16) & 255, (n >> 8) & 255, n & 255]; }
    const m = /rgba?\(([^)]+)\)/.exec(c);
    return m ? m[1].split(',').slice(0, 3).map((x) => Number(x.trim())) : [128, 128, 128];
  };
  const [x, y] = [rgb(a), rgb(b)];
  return `rgb(${x.map((v, i) => Math.round(v + (y[i] - v) * t)).join(',')})`;
}

export const heatmapSection: PanelSection = {
  id: 'heatmap',
  title: 'Arms × problems',
  render(d: RunDetail, ctx: SectionContext): HTMLElement | null {
    const rows = buildRows(d).filter((r) => r.cells.some((c) => c?.kind === 'code'));
    const arms = d.run.arms;
    if (rows.length === 0 || arms.length === 0) return null;
    const csv = () => toCsv([['problem', 'arm', 'passed', 'scored', 'errors', 'rate'],
      ...rows.flatMap((r) => r.cells.map((c, i) => [r.problemId, arms[i], c?.c ?? '', c?.n ?? '', c ? sampleCount(c) - c.n : '', c && c.n ? (c.c / c.n).toFixed(4) : '']))]);
    const canvas = el('canvas', { id: 'heatmap-canvas', role: 'img', 'aria-label': `pass rate of ${arms.length} arms on ${rows.length} problems` });
    const { root, body } = card('heatmap', 'Arms × problems (pass rate per problem)', [exportButtons('crucible-heatmap', () => canvas, csv)]);
    const scroll = el('div', { class: 'heatmap-scroll' });
    scroll.append(canvas);
    const tip = el('div', { class: 'heatmap-tip hint', 'aria-live': 'polite' }, 'Hover a cell for its problem and arm; click to open it.');
    body.append(scroll, tip);
    const c = themeColors();
    // The window's width, not the body's: reading body.clientWidth here forced a layout of the whole
    // page in the middle of drawing it (35–85 ms of a big run's first paint).
    const width = Math.max(320, (window.innerWidth || 800) - 76);
    const cw = Math.max(2, Math.floor((width - LABEL_W) / rows.length));
    const cssW = LABEL_W + cw * rows.length, cssH = ROW_H * arms.length + 4;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr);
    canvas.style.width = `${cssW}px`; canvas.style.height = `${cssH}px`;
    const g = canvas.getContext('2d');
    if (g) {
      g.scale(dpr, dpr);
      g.font = `12px ${getComputedStyle(document.body).fontFamily}`;
      g.textBaseline = 'middle';
      arms.forEach((arm, ai) => {
        g.fillStyle = c.fg;
        const label = modelDisplayName(arm);
        g.fillText(label.length > 22 ? `${label.slice(0, 21)}…` : label, 4, ai * ROW_H + ROW_H / 2);
        rows.forEach((r, pi) => {
          const cell = r.cells[ai];
          const rate = cell ? cellRate(cell) : null;
          g.fillStyle = rate == null ? c.grid : mix(c.failed, c.passed, rate);
          g.fillRect(LABEL_W + pi * cw, ai * ROW_H + 1, Math.max(1, cw - (cw > 3 ? 1 : 0)), ROW_H - 2);
        });
      });
    }
    const at = (ev: MouseEvent): { cell: ProblemResult | undefined; problemId: string; arm: string } | null => {
      const r = canvas.getBoundingClientRect();
      const x = ev.clientX - r.left - LABEL_W, y = ev.clientY - r.top;
      const pi = Math.floor(x / cw), ai = Math.floor(y / ROW_H);
      if (x < 0 || pi >= rows.length || ai < 0 || ai >= arms.length) return null;
      return { cell: rows[pi].cells[ai], problemId: rows[pi].problemId, arm: arms[ai] };
    };
    canvas.addEventListener('mousemove', (ev) => {
      const h = at(ev);
      if (!h) return;
      const cl = h.cell;
      tip.textContent = `${h.problemId} · ${modelDisplayName(h.arm)}: ${!cl ? 'not run' : cl.n ? `${cl.c}/${cl.n} passed` : 'no scored sample'}` +
        `${cl && sampleCount(cl) > cl.n ? ` · ${sampleCount(cl) - cl.n} errors` : ''}`;
    });
    canvas.addEventListener('click', (ev) => { const h = at(ev); if (h?.cell) ctx.openProblem(h.problemId, h.arm); });
    return root;
  },
};
