// A real VS Code for end-to-end tests: code-server (VS Code in the browser) with this repository's .vsix
// installed (what users install is what is tested), driven by playwright-core in Debian's Chromium.
// See .vscode-test.mjs and ../shared/recipes/README.md §2.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const repoRoot = resolve(__dirname, '../..');
export const resultsDir = join(repoRoot, 'test-results');
const pidDir = join(resultsDir, '.pids');

interface E2eConfig {
  codeServer: { version: string; entry: string; args: string[] };
  chromium: { executablePath: string; args: string[]; viewport: { width: number; height: number } };
  settings: Record<string, unknown>;
}

export async function loadConfig(): Promise<E2eConfig> {
  return (await import(pathToFileURL(join(repoRoot, '.vscode-test.mjs')).href)).default as E2eConfig;
}

export interface LaunchOptions {
  /** Files to put in the workspace folder: relative path → contents. */
  files?: Record<string, string>;
  /** Extra user settings (merged over .vscode-test.mjs's). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so the extension host (DOCKER_HOST, CRUCIBLE_DATA_DIR …). */
  env?: Record<string, string | undefined>;
  /** Prefix of screenshot names, e.g. "e2e". */
  name?: string;
  /** Fail early when dist/ is not built (default true). */
  requireBuild?: boolean;
  /** Open the folder in Restricted Mode (workspace trust on, folder not trusted). */
  untrusted?: boolean;
  /** Extra query parameters for the workbench URL (e.g. the extension-host test payload). */
  query?: Record<string, string>;
  /** Called with the page before the workbench loads (e.g. page.exposeFunction). */
  beforeGoto?: (page: Page) => Promise<void>;
  /** Resolve once the workbench shows, without waiting for the extension's activity-bar entry. */
  noWaitForExtension?: boolean;
  /** More .vsix files to install beside this repository's (e.g. bench/activation.ts's baseline extension). */
  extraVsix?: string[];
}

/**
 * The .vsix of the current build (`npm run package`), made again when dist/ or package.json is newer:
 * e2e tests install it into code-server instead of loading the development folder.
 */
export function ensureVsix(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const vsix = join(resultsDir, `${pkg.name}-${pkg.version}.vsix`);
  const inputs = ['package.json', 'dist/extension.js', 'dist/server.js', '.vscodeignore'].map((f) => join(repoRoot, f)).filter(existsSync);
  const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
  if (!existsSync(vsix) || statSync(vsix).mtimeMs < newest) {
    mkdirSync(resultsDir, { recursive: true });
    execFileSync('bash', [join(repoRoot, 'scripts/package.sh'), vsix], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return vsix;
}

export interface TreeRow { level: number; label: string; description: string; expanded: boolean }

export class CodeServer {
  readonly page: Page;
  private constructor(
    readonly root: string,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly port: number,
    readonly logFile: string,
    private readonly proc: ChildProcess,
    private readonly browser: Browser,
    page: Page,
    private readonly name: string,
  ) {
    this.page = page;
  }

  /** Starts code-server on a free port with this repository installed as an extension and opens a
   *  fresh workspace folder in Chromium; resolves once the workbench is shown. */
  static async launch(opts: LaunchOptions = {}): Promise<CodeServer> {
    const cfg = await loadConfig();
    const entry = join(repoRoot, cfg.codeServer.entry);
    if (!existsSync(entry)) throw new Error(`code-server is not installed (${entry}); run scripts/install-code-server.sh`);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    if (opts.requireBuild !== false && !existsSync(join(repoRoot, pkg.main))) throw new Error(`${pkg.main} is missing: run \`npm run build\` first`);

    const root = mkdtempSync(join(tmpdir(), 'crucible-e2e-'));
    const workspace = join(root, 'workspace');
    const userDataDir = join(root, 'user-data');
    const extensionsDir = join(root, 'extensions');
    for (const d of [workspace, join(userDataDir, 'User'), extensionsDir, resultsDir]) mkdirSync(d, { recursive: true });
    // What a user does: code-server --install-extension crucible-<version>.vsix.
    const vsix = ensureVsix();
    for (const file of [vsix, ...(opts.extraVsix ?? [])]) {
      execFileSync(process.execPath, [entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', file],
        { stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    }
    if (!readdirSync(extensionsDir).some((d) => d.startsWith(`${pkg.publisher}.${pkg.name}-`))) throw new Error(`installing ${vsix} left no extension in ${extensionsDir}`);
    const trust = opts.untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' } : {};
    writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...cfg.settings, ...trust, ...opts.settings }, null, 2));
    for (const [rel, text] of Object.entries(opts.files ?? {})) {
      mkdirSync(join(workspace, rel, '..'), { recursive: true });
      writeFileSync(join(workspace, rel), text);
    }

    const port = await freePort();
    const env: Record<string, string> = {};
    // Variables of an enclosing VS Code terminal would make code-server talk to that editor instead.
    for (const [k, v] of Object.entries({ ...process.env, ...opts.env })) if (v !== undefined && !k.startsWith('VSCODE_')) env[k] = v;
    const logFile = join(root, 'code-server.log');
    const log = createWriteStream(logFile);
    // Restricted Mode needs code-server's trust feature on: drop its --disable-workspace-trust.
    const args = opts.untrusted ? cfg.codeServer.args.filter((a) => a !== '--disable-workspace-trust') : cfg.codeServer.args;
    const proc = spawn(process.execPath, [entry, '--bind-addr', `127.0.0.1:${port}`, ...args,
      '--user-data-dir', userDataDir, '--config', join(root, 'config.yaml'), '--extensions-dir', extensionsDir, workspace], {
      env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, // own process group: dispose() kills it whole
    });
    proc.stdout!.pipe(log); proc.stderr!.pipe(log);
    // A record for .ci/run to clean up after a test that dies before dispose().
    mkdirSync(pidDir, { recursive: true });
    writeFileSync(join(pidDir, String(proc.pid)), `${entry}\n`);
    let browser: Browser | undefined;
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, proc, logFile, 120_000);
      browser = await chromium.launch({ executablePath: cfg.chromium.executablePath, args: cfg.chromium.args });
      const page = await browser.newPage({ viewport: cfg.chromium.viewport });
      page.setDefaultTimeout(60_000); // generous: CI machines are small and shared
      await opts.beforeGoto?.(page);
      const extra = Object.entries(opts.query ?? {}).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join('');
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}${extra}`);
      await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
      const cs = new CodeServer(root, workspace, userDataDir, port, logFile, proc, browser, page, opts.name ?? 'e2e');
      // The extension's contributions register a few seconds after the workbench shows; until then its
      // commands are missing from the palette. Its activity-bar entry is the sign they are in.
      const container = pkg.contributes?.viewsContainers?.activitybar?.[0]?.title;
      if (container && !opts.noWaitForExtension) await cs.activityBarItem(container).waitFor({ timeout: 120_000 });
      return cs;
    } catch (err) {
      await browser?.close().catch(() => {});
      await killGroup(proc);
      throw new Error(`${(err as Error).message}\n--- code-server log ---\n${tail(logFile, 40)}`);
    }
  }

  activityBarItem(title: string): Locator {
    return this.page.locator(`.part.activitybar a.action-label[aria-label="${title}"]`);
  }

  /** Shows a view container from the activity bar (without toggling it closed when already open). */
  async openViewContainer(title: string): Promise<void> {
    const li = this.page.locator('.part.activitybar li.action-item', { has: this.page.locator(`a.action-label[aria-label="${title}"]`) });
    if ((await li.getAttribute('aria-selected')) !== 'true') await li.click();
    await this.page.locator('.part.sidebar .composite.title h2', { hasText: new RegExp(`^${escapeRe(title)}$`, 'i') }).waitFor();
  }

  /** A section (view) of the side bar by its name, e.g. "Runs". */
  viewPane(name: string): Locator {
    return this.page.locator('.part.sidebar .pane', { has: this.page.locator(`.pane-header[aria-label="${name} Section"]`) });
  }

  /** The rendered rows of a tree view, top to bottom (level 1 = roots). Rows scrolled out of view are
   *  not rendered: keep trees short or make the pane tall. */
  async treeRows(view: string): Promise<TreeRow[]> {
    return this.viewPane(view).locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => ({
      level: Number(r.getAttribute('aria-level')),
      label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
      expanded: r.getAttribute('aria-expanded') === 'true',
    })));
  }

  /** Tree rows of a view, by label (exact) — e.g. treeItem('Runs', 'HumanEval/0'). */
  treeItem(view: string, label: string | RegExp): Locator {
    const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRe(label)}\\s*$`) : label;
    return this.viewPane(view).locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: re }) });
  }

  /** Runs a command from the command palette by its full title. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    // A webview that opens or takes focus just then (a results panel at a run's end) closes the
    // palette it opened: open it again, a few times, before failing.
    for (let attempt = 1; ; attempt++) {
      await this.dismissQuickInput();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      try {
        await input.fill(`>${title}`, { timeout: 10_000 });
        break;
      } catch (e) {
        if (attempt >= 3 || await input.isVisible()) throw e;
      }
    }
    const row = this.quickRow(title);
    await row.first().waitFor({ state: 'visible' });
    await row.first().click();
  }

  /** Rows of the open QuickPick whose label is exactly `label`. */
  quickRow(label: string): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }) });
  }

  /** Waits for a QuickPick/InputBox whose title, prompt or placeholder matches `prompt`. */
  async waitForQuickInput(prompt?: RegExp | string): Promise<Locator> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible' });
    if (prompt !== undefined) {
      const re = typeof prompt === 'string' ? new RegExp(escapeRe(prompt), 'i') : prompt;
      await this.page.waitForFunction(([src, flags]) => {
        const w = document.querySelector('.quick-input-widget') as HTMLElement | null;
        if (!w || w.style.display === 'none') return false;
        const input = w.querySelector('.quick-input-box input') as HTMLInputElement | null;
        const text = [w.innerText, input?.placeholder, input?.getAttribute('aria-label')].join('\n');
        return new RegExp(src, flags).test(text);
      }, [re.source, re.flags] as const);
    }
    return widget;
  }

  /** Picks the item labelled exactly `label` in the open QuickPick (optionally waiting for its prompt).
   *  In a multi-select QuickPick it ticks the item's checkbox and accepts with Enter (what Space + Enter
   *  does for a user). Pass several labels to tick several items; `beforeAccept` runs once they are ticked
   *  (e.g. a screenshot). */
  async pickQuickItem(label: string | string[], prompt?: RegExp | string, beforeAccept?: () => Promise<unknown>): Promise<void> {
    const labels = Array.isArray(label) ? label : [label];
    await this.waitForQuickInput(prompt);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const multi = await this.page.locator('.quick-input-widget .quick-input-header .monaco-checkbox').isVisible();
    for (const l of labels) {
      await input.fill(l);
      const row = this.quickRow(l).first();
      await row.waitFor({ state: 'visible' });
      if (!multi) { await row.click(); return; }
      const box = row.locator('.monaco-checkbox').first();
      if (!(await isChecked(box))) await box.click();
      if (!(await isChecked(box))) throw new Error(`could not tick "${l}"`);
    }
    await input.fill('');
    await beforeAccept?.();
    await input.press('Enter');
  }

  /** Types `text` into the open InputBox (replacing its default) and accepts it. */
  async typeInput(text: string, prompt?: RegExp | string): Promise<void> {
    await this.waitForQuickInput(prompt);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(text);
    await input.press('Enter');
  }

  async dismissQuickInput(): Promise<void> {
    if (await this.page.locator('.quick-input-widget').isVisible()) await this.page.keyboard.press('Escape');
  }

  /** Saves test-results/<prefix>-<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(resultsDir, `${this.name}-${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** The DOM of the visible webview: code-server nests the content in two iframes. */
  webviewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
  }

  /** Notification toasts currently shown, as text. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  /** Log files of the run (extension host, output channels, code-server) with their last lines: what
   *  to print when a test fails. Also copies the logs to test-results/<prefix>-logs/. */
  diagnostics(lines = 80): string {
    const logs = walk(join(this.userDataDir, 'logs')).filter((f) => f.endsWith('.log'));
    const out: string[] = [];
    const keep = join(resultsDir, `${this.name}-logs`);
    rmSync(keep, { recursive: true, force: true });
    mkdirSync(keep, { recursive: true });
    for (const f of [this.logFile, ...logs]) {
      const rel = f.startsWith(this.root) ? f.slice(this.root.length + 1) : f;
      try { cpSync(f, join(keep, rel.replaceAll('/', '__'))); } catch { /* best effort */ }
      if (f === this.logFile || /exthost|crucible/i.test(rel)) out.push(`--- ${rel} ---\n${tail(f, lines)}`);
    }
    return out.join('\n');
  }

  /** One named step of a test: if it throws, fails with a screenshot and the logs (failed()). */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try { return await fn(); } catch (e) { return this.failed(name, e); }
  }

  /** On failure: a screenshot and the logs, so the failure can be understood from the CI output. */
  async failed(step: string, err: unknown): Promise<never> {
    let shot = '';
    try { shot = await this.screenshot(`FAILED-${step}`); } catch { /* page may be gone */ }
    let toasts: string[] = [];
    try { toasts = await this.notifications(); } catch { /* ignore */ }
    const msg = `${step}: ${(err as Error)?.message ?? err}\nscreenshot: ${shot}\nnotifications: ${JSON.stringify(toasts)}\n${this.diagnostics()}`;
    throw Object.assign(new Error(msg), { cause: err });
  }

  async dispose(keep = false): Promise<void> {
    await this.browser.close().catch(() => {});
    await killGroup(this.proc);
    if (!keep) rmSync(this.root, { recursive: true, force: true });
  }
}

/** Stops code-server and everything it started (extension host, engine) via its process group: SIGTERM,
 *  then SIGKILL for whatever is left after 5 s. Also when code-server itself has already gone. */
async function killGroup(proc: ChildProcess): Promise<void> {
  const pid = proc.pid;
  if (pid === undefined) return;
  rmSync(join(pidDir, String(pid)), { force: true });
  const signal = (s: NodeJS.Signals | 0) => { try { process.kill(-pid, s); return true; } catch { return false; } };
  if (!signal('SIGTERM')) return;
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}

async function isChecked(box: Locator): Promise<boolean> {
  return (await box.getAttribute('aria-checked')) === 'true';
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => res(port)); });
  });
}

async function waitForHttp(url: string, proc: ChildProcess, logFile: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}`);
    try { if ((await fetch(url)).ok) return; } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${ms / 1000} s (log: ${logFile})`);
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => { const p = join(dir, n); return statSync(p).isDirectory() ? walk(p) : [p]; });
}

function tail(file: string, lines: number): string {
  try { return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
