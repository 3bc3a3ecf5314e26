// A Markdown summary fit for a pull-request comment: the verdict first, then a table per kind of
// metric, the thresholds, and the audit folded away.
import { fmt, interval, type ReportData } from './data';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(head: string[], rows: string[][]): string {
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function markdownSummary(d: ReportData, exitCode: number): string {
  const r = d.run;
  const failed = d.thresholds.filter((t) => !t.ok);
  const verdict = exitCode === 0 ? '✅ passed' : exitCode === 1 ? `❌ ${failed.length} threshold${failed.length === 1 ? '' : 's'} failed` : exitCode === 3 ? '⚠️ run incomplete' : '❌ error';
  const out: string[] = [`### Crucible: ${esc(r.label)} — ${verdict}`, ''];
  out.push(`Run \`${r.id}\` · ${r.suites.map((s) => `\`${s}\``).join(', ')} · ${r.status} · ${r.done}/${r.total} samples · n=${r.n} · sandbox ${r.sandbox}${r.sandbox === 'local' ? ' (UNSANDBOXED)' : ''}`, '');
  const code = r.metrics.filter((m) => m.passed + m.failed + m.timeouts > 0 || (m.errors > 0 && !m.refusal));
  let na = false;
  if (code.length) {
    out.push(table(['arm', ...r.k.map((k) => `pass@${k} [95% CI]`), 'passed', 'failed', 'timeouts', 'errors'], code.map((m) => [
      m.arm,
      ...r.k.map((k) => {
        const p = m.passAtK.find((x) => x.k === k);
        if (p?.value !== null && p?.value !== undefined && p.ciLow === null) na = true;
        return p ? `${fmt(p.value)} ${interval(p.ciLow, p.ciHigh)}${p.short ? ` (${p.problems} of ${(p.problems ?? 0) + p.short} problems)` : ''}` : '—';
      }),
      String(m.passed), String(m.failed), String(m.timeouts), String(m.errors),
    ])), '');
  }
  const chat = r.metrics.filter((m) => m.refusal);
  if (chat.length) {
    const rate = (x: { value: number | null; ciLow: number | null; ciHigh: number | null; x: number; n: number }) => (x.value === null ? '— (none)' : `${fmt(x.value)} ${interval(x.ciLow, x.ciHigh)} (${x.x}/${x.n})`);
    out.push(table(['arm', 'refused', 'answered', 'slipped', 'ambiguous', 'errors', 'slip rate [95% CI]', 'over-refusal [95% CI]'], chat.map((m) => {
      const f = m.refusal!;
      return [m.arm, String(f.refused), String(f.answeredSafe), String(f.slipped), String(f.ambiguous), String(f.errors), rate(f.slipRate), rate(f.overRefusalRate)];
    })), '');
  }
  if (na) out.push('[n/a]: no interval can be computed (fewer than 2 problems, or every problem scored the same).', '');
  if (d.thresholds.length) {
    out.push('**Thresholds**', '', ...d.thresholds.map((t) => `- ${t.ok ? '✅' : '❌'} ${esc(t.message.replace(/^(ok|FAILED) /, ''))}`), '');
  }
  const errors = r.metrics.reduce((a, m) => a + m.errors, 0);
  if (errors) out.push(`⚠️ ${errors} sample(s) ended in error and were not scored; retry them with \`crucible resume ${r.id} --retry-errors\`.`, '');
  if (d.audit) {
    const a = d.audit;
    out.push('<details><summary>Audit</summary>', '');
    out.push(`- ran by ${esc(a.ranBy.user)}@${esc(a.ranBy.host)} via ${esc(a.ranBy.via)}${a.ranBy.ci ? ` (${a.ranBy.ci.system}${a.ranBy.ci.actor ? `, ${esc(a.ranBy.ci.actor)}` : ''}${a.ranBy.ci.job ? `, ${a.ranBy.ci.job}` : ''})` : ''} at ${a.startedAt}`);
    out.push(`- Crucible ${a.crucibleVersion}, Node ${a.node}, ${a.platform}`);
    out.push(`- config ${a.configHash}${a.configFile ? ` (${esc(a.configFile.path)}, sha256:${a.configFile.sha256.slice(0, 16)}…)` : ''}`);
    for (const [arm, m] of Object.entries(a.models)) out.push(`- ${esc(arm)}: \`${esc(m.spec)}\`${m.reported.length ? `, reported as ${m.reported.map((v) => `\`${esc(v)}\``).join(', ')}` : ''}`);
    if (a.sandbox) out.push(`- sandbox ${a.sandbox.name}${Object.keys(a.sandbox.images).length ? ': ' + Object.entries(a.sandbox.images).map(([l, i]) => `${esc(l)} \`${esc(i)}\``).join(', ') : ''}`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}
