// crucible.yaml in a real VS Code (code-server in Chromium): the file's errors appear as
// diagnostics on their line, naming the field, and its keys complete from the schema.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodeServer } from '../support/code-server';

const YAML = ['suites: humaneval', 'n: five', 'arms:', '  - model: openai:gpt-4o', '    temprature: 0.2', 'sandbox: vm', ''].join('\n');

test('crucible.yaml: errors as diagnostics on their lines, key completion from the schema', async () => {
  const cs = await CodeServer.launch({ name: 'e2e-config', files: { 'crucible.yaml': YAML } });
  const { page } = cs;
  try {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'crucible.yaml' }).dblclick();
    await page.locator('.monaco-editor .view-lines').first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    const markers = page.locator('.markers-panel .monaco-list-row');
    await markers.nth(2).waitFor({ timeout: 60_000 });
    const text = (await markers.allTextContents()).join('\n');
    assert.match(text, /n: must be integer.*\[Ln 2/s);
    assert.match(text, /arms\[0\]\.temprature: unknown field.*\[Ln 5/s);
    assert.match(text, /sandbox: must be one of docker, bubblewrap, auto, local.*\[Ln 6/s);
    await cs.screenshot('diagnostics');
    // Completion of an arm's keys inside the first arm: "strategy" is in no line of the file, so
    // only the schema can offer it (the editor's word completion cannot).
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('str');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget .monaco-list-row');
    await suggest.first().waitFor({ timeout: 30_000 });
    assert.match((await suggest.allTextContents()).join(' '), /strategy/);
    await cs.screenshot('completion');
  } catch (e) {
    await cs.failed('config', e);
  } finally {
    await cs.dispose();
  }
});
