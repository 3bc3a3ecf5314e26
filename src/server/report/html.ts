// A self-contained HTML report: tables written out as HTML (readable without scripts), charts drawn
// by chart.js, whose whole UMD build is inlined, so the file opens offline from anywhere (no CDN;
// its Content-Security-Policy allows no network at all).
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fmt, interval, type ReportData } from './data';

let chartJs: string | undefined;

/** chart.js's UMD build: beside the bundle (esbuild.mjs copies it to dist/), else from node_modules. */
export function chartJsSource(): string {
  if (chartJs !== undefined) return chartJs;
  const name = 'chart.umd.min.js';
  const candidates = [path.join(__dirname, name)];
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'node_modules', 'chart.js', 'dist', name));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new Error(`cannot write the HTML report: chart.js (${name}) is not beside ${__dirname} nor in a node_modules above it`);
  chartJs = readFileSync(found, 'utf8');
  return chartJs;
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
/** JSON inside <script>: "</script" and "<!--" must not appear in it. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const ms = (v: number | null) => (v === null ? '—' : v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(2)} s`);

function table(head: string[], rows: string[][], cls = ''): string {
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --ok: #3fb950; --bad: #f85149; --warn: #d29922; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); } .ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
.verdict { font-size: 16px; font-weight: 600; margin: 8px 0 16px; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: color-mix(in srgb, var(--line) 35%, transparent); } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
.chart { position: relative; height: 300px; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
code, pre { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; } pre { white-space: pre-wrap; margin: 0; max-height: 12em; overflow: auto; }
details { margin: 6px 0; } .small { font-size: 12px; }`;

/** The script that draws the charts from the embedded data (the page's only script besides chart.js). */
const DRAW = `
(function () {
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var css = getComputedStyle(document.documentElement);
  var fg = css.getPropertyValue('--fg').trim() || '#444', line = css.getPropertyValue('--line').trim() || '#ccc';
  var palette = ['#3b82f6', '#22c55e', '#f59e0b', '#a855f7', '#ef4444', '#14b8a6', '#eab308'];
  Chart.defaults.color = fg; Chart.defaults.borderColor = line; Chart.defaults.animation = false;
  var intervals = {};
  var errorBars = { id: 'errorBars', afterDatasetsDraw: function (c) {
    var iv = intervals[c.canvas.id]; if (!iv) return;
    var y = c.scales.y, ctx = c.ctx; ctx.save(); ctx.strokeStyle = fg; ctx.lineWidth = 1.5;
    c.data.datasets.forEach(function (_, di) { var meta = c.getDatasetMeta(di); if (meta.hidden) return;
      meta.data.forEach(function (bar, i) { var ci = iv[di] && iv[di][i]; if (!ci) return;
        var x = bar.x, top = y.getPixelForValue(ci[1]), bottom = y.getPixelForValue(ci[0]), cap = Math.max(3, Math.min(10, bar.width / 4));
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.moveTo(x - cap, top); ctx.lineTo(x + cap, top); ctx.moveTo(x - cap, bottom); ctx.lineTo(x + cap, bottom); ctx.stroke(); }); });
    ctx.restore(); } };
  function bar(id, labels, datasets, opts) {
    var el = document.getElementById(id); if (!el) return;
    new Chart(el, { type: 'bar', data: { labels: labels, datasets: datasets }, plugins: [errorBars],
      options: Object.assign({ responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } } }, opts || {}) });
  }
  var code = d.code, chat = d.chat;
  if (code.length) {
    intervals['chart-passk'] = d.k.map(function (k) { return code.map(function (m) { var p = m.passAtK.find(function (x) { return x.k === k; }); return p && p.ciLow != null && p.ciHigh != null ? [p.ciLow, p.ciHigh] : null; }); });
    bar('chart-passk', code.map(function (m) { return m.arm; }), d.k.map(function (k, i) { return { label: 'pass@' + k, backgroundColor: palette[i % palette.length],
      data: code.map(function (m) { var p = m.passAtK.find(function (x) { return x.k === k; }); return p ? p.value : null; }) }; }),
      { scales: { y: { min: 0, max: 1, title: { display: true, text: 'pass@k (95% CI)' } } } });
    var v = [['passed', '#22c55e'], ['failed', '#ef4444'], ['timeouts', '#f59e0b'], ['errors', '#9ca3af']];
    bar('chart-verdicts', code.map(function (m) { return m.arm; }), v.map(function (x) { return { label: x[0], backgroundColor: x[1], data: code.map(function (m) { return m[x[0]]; }) }; }),
      { indexAxis: 'y', scales: { x: { stacked: true, title: { display: true, text: 'samples' } }, y: { stacked: true } } });
    bar('chart-latency', code.map(function (m) { return m.arm; }), [
      { label: 'generation p50', backgroundColor: palette[0], data: code.map(function (m) { return m.latency.p50; }) },
      { label: 'generation p95', backgroundColor: palette[3], data: code.map(function (m) { return m.latency.p95; }) },
      { label: 'execution p50', backgroundColor: palette[1], data: code.map(function (m) { return m.exec.p50; }) },
      { label: 'execution p95', backgroundColor: palette[2], data: code.map(function (m) { return m.exec.p95; }) }],
      { scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } });
  }
  if (chat.length) {
    var o = [['refused', '#3b82f6'], ['answeredSafe', '#22c55e'], ['slipped', '#ef4444'], ['ambiguous', '#f59e0b'], ['errors', '#9ca3af']];
    bar('chart-refusals', chat.map(function (m) { return m.arm; }), o.map(function (x) { return { label: x[0] === 'answeredSafe' ? 'answered' : x[0], backgroundColor: x[1], data: chat.map(function (m) { return m.refusal[x[0]]; }) }; }),
      { indexAxis: 'y', scales: { x: { stacked: true, title: { display: true, text: 'responses' } }, y: { stacked: true } } });
    intervals['chart-rates'] = [chat.map(function (m) { var r = m.refusal.slipRate; return r.ciLow != null ? [r.ciLow, r.ciHigh] : null; }), chat.map(function (m) { var r = m.refusal.overRefusalRate; return r.ciLow != null ? [r.ciLow, r.ciHigh] : null; })];
    bar('chart-rates', chat.map(function (m) { return m.arm; }), [
      { label: 'slip rate', backgroundColor: '#ef4444', data: chat.map(function (m) { return m.refusal.slipRate.value; }) },
      { label: 'over-refusal rate', backgroundColor: '#3b82f6', data: chat.map(function (m) { return m.refusal.overRefusalRate.value; }) }],
      { scales: { y: { min: 0, max: 1, title: { display: true, text: 'rate (95% Wilson CI)' } } } });
  }
  document.body.setAttribute('data-charts', String(Chart.instances ? Object.keys(Chart.instances).length : 0));
})();`;

export function htmlReport(d: ReportData, exitCode: number): string {
  const r = d.run;
  const code = r.metrics.filter((m) => m.passed + m.failed + m.timeouts > 0 || (m.errors > 0 && !m.refusal));
  const chat = r.metrics.filter((m) => m.refusal);
  const failed = d.thresholds.filter((t) => !t.ok);
  const verdict = exitCode === 0 ? '<span class="ok">✔ passed</span>'
    : exitCode === 1 ? `<span class="bad">✘ ${failed.length} threshold${failed.length === 1 ? '' : 's'} failed</span>`
      : exitCode === 3 ? '<span class="warn">⚠ run incomplete</span>' : '<span class="bad">✘ error</span>';
  const parts: string[] = [];
  parts.push(`<h1>Crucible · ${esc(r.label)}</h1>`);
  parts.push(`<div class="meta">run <code>${esc(r.id)}</code> · ${r.suites.map((s) => `<code>${esc(s)}</code>`).join(', ')} · ${esc(r.status)} · ${r.done}/${r.total} samples · n=${r.n} · sandbox ${esc(r.sandbox)}${r.sandbox === 'local' ? ' <b class="bad">(UNSANDBOXED)</b>' : ''} · wall ${ms(r.wallMs)}</div>`);
  parts.push(`<div class="verdict" id="verdict">${verdict}</div>`);
  if (r.error) parts.push(`<p class="bad">error: ${esc(r.error)}</p>`);
  if (d.thresholds.length) {
    parts.push('<h2>Thresholds</h2>');
    parts.push(table(['', 'threshold', 'arm', 'value', 'limit', 'from'], d.thresholds.map((t) => [
      t.ok ? '<span class="ok">✔</span>' : '<span class="bad">✘</span>', esc(t.threshold.kind === 'fail-under' ? `pass@${t.threshold.k} ≥` : 'slip rate ≤'), esc(t.arm),
      t.value === null ? `<span class="bad">${esc(t.message.replace(/^.*? (cannot|was not)/, '$1').replace(/; threshold.*$/, ''))}</span>` : fmt(t.value), String(t.threshold.limit), `<code>${esc(t.threshold.source)}</code>`,
    ]), 'thresholds'));
  }
  if (code.length) {
    let na = false;
    parts.push('<h2>Code: pass@k</h2>');
    parts.push(table(['arm', ...r.k.map((k) => `pass@${k} [95% CI]`), 'passed', 'failed', 'timeouts', 'errors', 'gen p50', 'exec p50', 'exec p95', 'tokens in/out', 'cost'], code.map((m) => [
      esc(m.arm),
      ...r.k.map((k) => {
        const p = m.passAtK.find((x) => x.k === k);
        if (p && p.value !== null && p.ciLow === null) na = true;
        return p ? `${fmt(p.value)} ${interval(p.ciLow, p.ciHigh)}${p.short ? ` <span class="small">(${p.problems} of ${(p.problems ?? 0) + p.short})</span>` : ''}` : '—';
      }),
      String(m.passed), String(m.failed), String(m.timeouts), String(m.errors), ms(m.latency.p50), ms(m.exec.p50), ms(m.exec.p95), `${m.tokensIn}/${m.tokensOut}`, m.cost === null ? 'price unknown' : `$${m.cost.toFixed(4)}`,
    ]), 'metrics'));
    if (na) parts.push('<p class="small meta">[n/a]: no interval can be computed (fewer than 2 problems, or every problem scored the same).</p>');
    parts.push('<div class="charts"><div class="chart"><canvas id="chart-passk"></canvas></div><div class="chart"><canvas id="chart-verdicts"></canvas></div><div class="chart"><canvas id="chart-latency"></canvas></div></div>');
  }
  if (chat.length) {
    const rate = (x: { value: number | null; ciLow: number | null; ciHigh: number | null; x: number; n: number }) => (x.value === null ? '— (none)' : `${fmt(x.value)} ${interval(x.ciLow, x.ciHigh)} (${x.x}/${x.n})`);
    parts.push('<h2>Chat: refusals</h2>');
    parts.push(table(['arm', 'refused', 'answered', 'slipped', 'ambiguous', 'errors', 'slip rate [95% CI]', 'over-refusal [95% CI]'], chat.map((m) => {
      const f = m.refusal!;
      return [esc(m.arm), String(f.refused), String(f.answeredSafe), String(f.slipped), String(f.ambiguous), String(f.errors), rate(f.slipRate), rate(f.overRefusalRate)];
    }), 'refusals'));
    parts.push('<div class="charts"><div class="chart"><canvas id="chart-refusals"></canvas></div><div class="chart"><canvas id="chart-rates"></canvas></div></div>');
  }
  // Problems: one row per problem, a column per arm (c/n), so a regression can be found by eye.
  const arms = r.arms;
  const byProblem = new Map<string, Map<string, { n: number; c: number }>>();
  for (const p of d.problems) {
    if (!byProblem.has(p.problemId)) byProblem.set(p.problemId, new Map());
    byProblem.get(p.problemId)!.set(p.arm, { n: p.n, c: p.c });
  }
  parts.push(`<h2>Problems (${byProblem.size})</h2><details><summary>correct / scored samples per problem and arm</summary>`);
  parts.push(table(['problem', ...arms], [...byProblem].map(([id, m]) => [esc(id), ...arms.map((a) => { const x = m.get(a); return x ? `${x.c}/${x.n}` : '—'; })]), 'problems'));
  parts.push('</details>');
  const bad = d.samples.filter((s) => s.status !== 'passed' && s.passed !== null || s.status === 'error' || s.status === 'slipped');
  if (bad.length) {
    parts.push(`<h2>Failing samples (${bad.length}${bad.length > 200 ? ', first 200' : ''})</h2>`);
    parts.push(table(['problem', 'arm', '#', 'status', 'detail'], bad.slice(0, 200).map((s) => [esc(s.problemId), esc(s.arm), String(s.index), esc(s.status), `<details><summary>${esc(s.detail.slice(0, 160))}</summary><pre>${esc(s.completion)}</pre></details>`]), 'failing'));
  }
  if (d.audit) {
    const a = d.audit;
    parts.push('<h2>Audit</h2>');
    const rows: [string, string][] = [
      ['ran by', `${esc(a.ranBy.user)}@${esc(a.ranBy.host)} via ${esc(a.ranBy.via)}${a.ranBy.ci ? ` (${esc(a.ranBy.ci.system)}${a.ranBy.ci.actor ? `, ${esc(a.ranBy.ci.actor)}` : ''}${a.ranBy.ci.job ? `, ${esc(a.ranBy.ci.job)}` : ''})` : ''}`],
      ['started', esc(a.startedAt)], ['Crucible', esc(a.crucibleVersion)], ['runtime', `Node ${esc(a.node)}, ${esc(a.platform)}`],
      ['config hash', `<code>${esc(a.configHash)}</code>`],
      ...(a.configFile ? [['config file', `<code>${esc(a.configFile.path)}</code> sha256:<code>${esc(a.configFile.sha256)}</code>`] as [string, string]] : []),
      ...Object.entries(a.models).map(([arm, m]) => [`model ${esc(arm)}`, `<code>${esc(m.spec)}</code>${m.reported.length ? ` — reported as ${m.reported.map((v) => `<code>${esc(v)}</code>`).join(', ')}` : ''}`] as [string, string]),
      ...(a.sandbox ? [[`sandbox ${esc(a.sandbox.name)}`, Object.entries(a.sandbox.images).map(([l, i]) => `${esc(l)}: <code>${esc(i)}</code>`).join('<br>') || '—'] as [string, string]] : []),
      ...(a.resumes ?? []).map((x) => ['resumed', `${esc(x.at)} by ${esc(x.user)} via ${esc(x.via)} (Crucible ${esc(x.crucibleVersion)})`] as [string, string]),
    ];
    parts.push(`<table class="audit"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`);
  }
  parts.push(`<p class="small meta">Generated ${esc(d.generatedAt)} by Crucible${d.audit ? ` ${esc(d.audit.crucibleVersion)}` : ''}. This file is self-contained: it loads nothing from the network.</p>`);
  const data = { k: r.k, code, chat };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Crucible · ${esc(r.label)}</title>
<style>${CSS}</style></head>
<body>
${parts.join('\n')}
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${chartJsSource().replace(/<\/script/gi, '<\\/script')}</script>
<script>${DRAW}</script>
</body></html>
`;
}
