// `crucible agreement FILE --columns A,B[,C…] [--json]`: how far annotators agree, for labels made
// in any tool. FILE is CSV or JSONL, one row per item, one column per annotator (empty: not labelled).
import { parseArgs } from 'node:util';
import { agreementReport, type AgreementReport, type Unit } from '../metrics/agreement';
import { InputError } from '../jsonl';
import { exitOnInputError, f3, readTable, table, UsageError } from './common';

const HELP = `Usage: crucible agreement FILE --columns A,B[,C…] [--json]

FILE: CSV (.csv, .csv.gz) or JSONL, one row per item, one column per annotator; an empty cell (or a
missing/null JSON field) means that annotator gave no label. A JSON array is a set of labels (multi-label),
compared as a whole. Prints percent agreement and Cohen's κ (two columns) or Fleiss' κ and Krippendorff's α
(nominal; three or more), each with a 95% bootstrap interval over items, the confusion matrix (two
columns; more: Krippendorff's coincidence matrix) and the rows where annotators disagree.
  --columns A,B,…   the annotators' columns (at least two)
  --json            print {"n", "percent_agreement", "cohen_kappa" | "fleiss_kappa", "krippendorff_alpha", "ci", …}
  --seed <int>      bootstrap seed                                                           [1]
Exit status: 0 ok, 2 bad input (the message names file and line).`;

/** One cell as a nominal value: '' / null / missing → not labelled; an array → its sorted labels joined by '+'. */
function cellValue(file: string, line: number, col: string, v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) {
    return v.length === 0 ? null : [...new Set(v.map(String))].sort().join('+');
  }
  throw new InputError(file, line, `column "${col}" must be a label (string, number, boolean or an array of labels), got ${JSON.stringify(v).slice(0, 60)}`);
}

export async function readUnits(file: string, columns: string[]): Promise<{ units: Unit[]; lines: number[] }> {
  const { rows, csv } = await readTable(file);
  if (csv && rows.length) {
    for (const c of columns) if (!(c in rows[0].value)) throw new InputError(file, 1, `no column "${c}" in the header (it has ${Object.keys(rows[0].value).join(', ')})`);
  } else if (rows.length) {
    for (const c of columns) if (!rows.some((r) => c in r.value)) throw new InputError(file, null, `no row has a field "${c}"`);
  }
  return {
    units: rows.map((r) => columns.map((c) => cellValue(file, r.line, c, r.value[c]))),
    lines: rows.map((r) => r.line),
  };
}

export function formatReport(r: AgreementReport, lines: number[]): string[] {
  const out = [`${r.items} items, ${r.n} with at least two labels; annotators: ${r.columns.join(', ')}`, ''];
  const rows: string[][] = [];
  const add = (name: string, key: string) => {
    const v = (r as unknown as Record<string, number | null | undefined>)[key];
    if (v === undefined) return;
    const ci = r.ci[key];
    rows.push([name, f3(v), ci ? `[${f3(ci[0])}, ${f3(ci[1])}]` : `[n/a: ${r.reasons[`${key}_ci`] ?? r.reasons[key] ?? 'cannot be computed'}]`]);
  };
  add('percent agreement', 'percent_agreement');
  add("Cohen's κ", 'cohen_kappa');
  add("Fleiss' κ", 'fleiss_kappa');
  add("Krippendorff's α (nominal)", 'krippendorff_alpha');
  out.push(...table(['statistic', 'value', '95% CI (bootstrap over items)'], rows, (i) => i === 1));
  for (const [k, why] of Object.entries(r.reasons)) if (!k.endsWith('_ci') && (r as unknown as Record<string, unknown>)[k] === null) out.push(`${k}: n/a — ${why}`);
  const m = r.confusion;
  if (m.labels.length) {
    const kind = m.kind === 'confusion' ? `confusion matrix (rows: ${r.columns[0]}, columns: ${r.columns[1]})` : 'coincidence matrix (Krippendorff: pairs of labels given to the same item)';
    const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
    out.push('', kind, ...table(['', ...m.labels], m.counts.map((row, i) => [m.labels[i], ...row.map(num)])));
  }
  const d = r.disagreements;
  out.push('', d.length === 0 ? 'no disagreements' : `${d.length} items with disagreements (lines ${d.slice(0, 20).map((i) => lines[i]).join(', ')}${d.length > 20 ? ', …' : ''})`);
  return out;
}

export async function runAgreement(args: string[]): Promise<number> {
  return exitOnInputError(async () => {
    const { values: o, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { columns: { type: 'string' }, json: { type: 'boolean', default: false }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (o.help) { console.log(HELP); return 0; }
    const [file, ...extra] = positionals;
    if (!file) throw new UsageError(`missing FILE\n${HELP}`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const columns = (o.columns ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    if (columns.length < 2) throw new UsageError('--columns takes at least two annotator columns, e.g. --columns alice,bob');
    if (new Set(columns).size !== columns.length) throw new UsageError(`--columns names a column twice (${o.columns})`);
    const seed = o.seed === undefined ? 1 : Number(o.seed);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed takes a whole number (got "${o.seed}")`);
    const { units, lines } = await readUnits(file, columns);
    const r = agreementReport(units, columns, { seed });
    if (o.json) {
      const { disagreements, ...rest } = r;
      console.log(JSON.stringify({ ...rest, disagreements: disagreements.map((i) => lines[i]) }));
    } else {
      console.log(formatReport(r, lines).join('\n'));
    }
    return 0;
  });
}
