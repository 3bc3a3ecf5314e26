// End to end, one code-server session with the installed .vsix: the Testing view, CodeLens, diagnostics
// and failing samples in place. What a screenshot cannot show (test results, lens titles, diagnostics,
// hovers) is asserted inside the extension host by test/e2e/host/surfaces.cjs, which writes a report
// this driver reads; the screenshot shows the same scene to a person. Real engine, real Docker sandbox.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CodeServer, repoRoot, resultsDir } from '../support/code-server';

const problem = (id: string, fn: string, doc: string, body: string, tests: string) =>
  JSON.stringify({ task_id: id, prompt: `def ${fn}(a, b):\n    """${doc}"""\n`, entry_point: fn, canonical_solution: body, test: tests });

test('Testing view, CodeLens, diagnostics and failing samples in place (installed VSIX)', { timeout: 15 * 60_000 }, async (t) => {
  const dockerHost = process.env.DOCKER_HOST || execFileSync('bash', [`${repoRoot}/scripts/docker-engine.sh`, 'start'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const reportFile = join(resultsDir, `surfaces-host-report-${process.pid}.json`);
  const files = {
    'tiny.jsonl': [
      problem('P/0', 'add', 'Add a and b.', '    return a + b\n', 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(2, 2) == 4\n'),
      problem('P/1', 'mul', 'Multiply a and b.', '    return a * b\n', 'def check(candidate):\n    assert candidate(2, 3) == 6\n'),
    ].join('\n') + '\n',
    // Two samples per task: P/0 right then wrong (1/2), P/1 wrong twice (0/2).
    'wrong_samples.jsonl': [['P/0', 'a + b'], ['P/0', 'a - b'], ['P/1', 'a + b'], ['P/1', 'a - b']]
      .map(([id, e]) => JSON.stringify({ task_id: id, completion: `    return ${e}\n` })).join('\n') + '\n',
    'mathy.py': 'def double(x):\n    """Twice x."""\n    ...\n\n\n# crucible: tests\ndef test_double():\n    assert double(2) == 4\n',
    'mathy_samples.jsonl': JSON.stringify({ task_id: 'double', completion: '    return x + 1\n' }) + '\n',
    // Right, but slow (1.5 s each): a CLI run the editor watches while it goes on (cli-run-live).
    'slow_samples.jsonl': ['P/0', 'P/1'].flatMap((id) => Array.from({ length: 4 }, () => JSON.stringify({ task_id: id,
      completion: `    import time\n    time.sleep(1.5)\n    return a ${id === 'P/0' ? '+' : '*'} b\n` }))).join('\n') + '\n',
  };
  const cs = await CodeServer.launch({
    name: 'surfaces', files,
    settings: { 'crucible.sandbox': 'docker', 'crucible.providers': { openai: { rpm: 123 } }, 'workbench.editor.enablePreview': false },
    env: { DOCKER_HOST: dockerHost, CRUCIBLE_TEST_HOST_MODULE: join(repoRoot, 'test/e2e/host/surfaces.cjs'), CRUCIBLE_TEST_HOST_REPORT: reportFile },
  });
  try {
    // Activates the extension (on a busy machine `workspaceContains` can time out); the host module runs at activation.
    await cs.openViewContainer('Crucible');
    const report = await (async () => {
      const end = Date.now() + 10 * 60_000;
      while (Date.now() < end) {
        if (existsSync(reportFile)) return JSON.parse(readFileSync(reportFile, 'utf8'));
        await new Promise((r) => setTimeout(r, 1000));
      }
      return cs.failed('host-report', new Error('the extension host wrote no report in 10 minutes'));
    })();
    t.diagnostic(`activation: ${JSON.stringify(report.timing)}`);
    t.diagnostic(`checks: ${Object.keys(report.checks).join(', ')}`);
    for (const n of report.notes ?? []) t.diagnostic(`note: ${n}`);
    await new Promise((r) => setTimeout(r, 1500));
    await cs.screenshot('01-testing-lens-sample');
    assert.deepEqual(report.errors, [], report.errors.join('\n\n'));
    for (const c of ['settings-scope', 'testing-items', 'testing-reference-passes', 'testing-replay-fails-with-diff', 'sample-document', 'next-failing-sample', 'codelens-and-diagnostics', 'open-problem-python', 'cli-run-live']) {
      assert.ok(report.checks[c], `check ${c} did not run`);
    }
    // The Testing view as a person sees it: the suite with its problems, failed in the last run.
    await cs.page.keyboard.press('Escape');
    const tiny = cs.page.locator('.part.sidebar .monaco-list-row', { hasText: /tiny\s*2 problems/ }).first();
    if ((await tiny.getAttribute('aria-expanded')) !== 'true') await tiny.locator('.monaco-tl-twistie').click();
    await cs.page.locator('.part.sidebar .monaco-list-row', { hasText: 'P/1' }).first().waitFor({ timeout: 30_000 });
    await cs.screenshot('02-testing-view');
  } catch (e) {
    if (!(e instanceof Error && e.message.includes('screenshot:'))) await cs.failed('surfaces', e);
    throw e;
  } finally {
    await cs.dispose();
  }
});
