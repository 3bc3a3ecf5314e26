import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { runAgreement } from './agreement';

const dir = mkdtempSync(path.join(tmpdir(), 'crucible-agreement-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => { const f = path.join(dir, name); writeFileSync(f, text); return f; };

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    return { code: await runAgreement(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log; console.error = error;
  }
}

// The textbook 2×2: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → po 0.7, κ 0.4; plus a row only one labelled.
const rows2 = [
  ...Array(20).fill(['yes', 'yes']), ...Array(5).fill(['yes', 'no']), ...Array(10).fill(['no', 'yes']), ...Array(15).fill(['no', 'no']), ['yes', ''],
] as string[][];

test('CSV, two columns: percent agreement, Cohen κ with intervals, confusion matrix; --json has the contract keys', async () => {
  const csv = file('two.csv', 'item,alice,bob,notes\n' + rows2.map((r, i) => `${i},${r[0]},${r[1]},x`).join('\n') + '\n');
  const text = await capture([csv, '--columns', 'alice,bob']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /51 items, 50 with at least two labels/);
  assert.match(text.out, /Cohen's κ\s+0\.400\s+\[0\.\d+, 0\.\d+\]/);
  assert.match(text.out, /percent agreement\s+0\.700/);
  assert.match(text.out, /confusion matrix \(rows: alice, columns: bob\)/);
  assert.match(text.out, /no\s+15\s+10\n.*yes\s+5\s+20/);
  const j = await capture([csv, '--columns', 'alice,bob', '--json']);
  const r = JSON.parse(j.out);
  assert.equal(r.n, 50);
  assert.equal(r.percent_agreement, 0.7);
  assert.ok(Math.abs(r.cohen_kappa - 0.4) < 1e-12);
  assert.ok(!('fleiss_kappa' in r) && !('krippendorff_alpha' in r));
  assert.equal(r.ci.cohen_kappa.length, 2);
  assert.ok(r.ci.cohen_kappa[0] < 0.4 && 0.4 < r.ci.cohen_kappa[1]);
  assert.equal(r.disagreements.length, 15);
  assert.equal(r.disagreements[0], 22); // line of the first yes/no row (header is line 1)
});

test("JSONL, four columns (Krippendorff's example): Fleiss κ and α = 0.743, no Cohen κ", async () => {
  const N = null;
  const c = [[1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3], [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]];
  const jl = file('k.jsonl', c[0].map((_, i) => JSON.stringify({ A: c[0][i], B: c[1][i], C: c[2][i], D: c[3][i] })).join('\n') + '\n');
  const r = JSON.parse((await capture([jl, '--columns', 'A,B,C,D', '--json'])).out);
  assert.equal(r.krippendorff_alpha.toFixed(3), '0.743');
  assert.ok(typeof r.fleiss_kappa === 'number');
  assert.ok(!('cohen_kappa' in r));
  assert.equal(r.n, 11);
  assert.ok('krippendorff_alpha' in r.ci && 'fleiss_kappa' in r.ci);
  const text = await capture([jl, '--columns', 'A,B,C,D']);
  assert.match(text.out, /Krippendorff's α \(nominal\)\s+0\.743/);
  assert.match(text.out, /coincidence matrix/);
});

test('an interval that cannot be computed says so instead of printing a number', async () => {
  const csv = file('same.csv', 'a,b\nx,x\nx,x\nx,x\n');
  const r = await capture([csv, '--columns', 'a,b']);
  assert.equal(r.code, 0);
  assert.match(r.out, /Cohen's κ\s+n\/a\s+\[n\/a: undefined: every label given is the same/);
});

test('multi-label JSON arrays are compared as sets', async () => {
  const jl = file('multi.jsonl', [{ a: ['x', 'y'], b: ['y', 'x'] }, { a: ['x'], b: ['x', 'y'] }, { a: 'z', b: 'z' }].map((o) => JSON.stringify(o)).join('\n'));
  const r = JSON.parse((await capture([jl, '--columns', 'a,b', '--json'])).out);
  assert.equal(r.percent_agreement, 2 / 3);
  assert.deepEqual(r.confusion.labels, ['x', 'x+y', 'z']);
});

test('bad input names file and line and exits 2', async () => {
  const missing = await capture([file('m.csv', 'a,b\n1,2\n'), '--columns', 'a,c']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /m\.csv:1: no column "c" in the header/);
  const bad = await capture([file('b.jsonl', '{"a":"x","b":"y"}\n{"a":{"k":1},"b":"y"}\n'), '--columns', 'a,b']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /b\.jsonl:2: column "a" must be a label/);
  const broken = await capture([file('c.jsonl', '{"a":"x","b":"y"}\n{"a":\n'), '--columns', 'a,b']);
  assert.match(broken.err, /c\.jsonl:2: malformed JSON/);
  assert.equal((await capture([file('d.csv', 'a,b\n'), '--columns', 'a'])).code, 2);
  assert.equal((await capture(['--columns', 'a,b'])).code, 2);
});

test('the crucible CLI dispatches `agreement` (exit status as a process)', () => {
  const csv = file('cli.csv', 'a,b\nx,x\ny,y\nx,y\n');
  const cli = path.resolve(__dirname, '../cli.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'agreement', csv, '--columns', 'a,b', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).n, 3);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, 'agreement', csv, '--columns', 'a,zz'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
});
