// Starts the engine (dist/server.js) as a language server over IPC and reads the settings it needs.
// The client is thin: every piece of evaluation logic lives in the engine (see DESIGN.md).
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  LanguageClient, LanguageClientOptions, NotificationType, RequestParam, RequestType, ServerOptions,
} from 'vscode-languageclient/node';
import type { EngineInit } from '../protocol';
import { LoadPlugins } from '../protocol/requests';

import { configLoader, languageClient } from './lazy';

/** The workspace crucible.yaml's `plugins:` — code the engine will run, so only in a trusted workspace. */
function workspacePlugins(log: vscode.LogOutputChannel): string[] {
  if (!vscode.workspace.isTrusted) return [];
  const out: string[] = [];
  const { findConfig, loadConfig } = configLoader();
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    const file = findConfig(f.uri.fsPath);
    if (!file) continue;
    try {
      out.push(...(loadConfig(file).config.plugins ?? []));
    } catch (e) {
      log.warn(`${(e as Error).message} (its plugins are not loaded)`);
    }
  }
  return out;
}

export interface CrucibleConfig {
  dataDir: string | undefined;
  sandbox: string;
  images: Record<string, string>;
  dockerHost: string;
  providers: Record<string, Record<string, unknown>>;
  models: string[];
  prices: Record<string, { input: number; output: number }>;
  /** Ask before a run whose estimate is above this many USD (or unknown). */
  confirmAbove: number;
  /** Prompt strategies defined in settings (checked by the engine, which reports mistakes). */
  strategies: unknown[];
}

/** crucible.prices entries with usable numbers only (a typo must not become a price of 0). */
export function cleanPrices(v: unknown): Record<string, { input: number; output: number }> {
  const out: Record<string, { input: number; output: number }> = {};
  if (!v || typeof v !== 'object') return out;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  for (const [spec, p] of Object.entries(v as Record<string, unknown>)) {
    const { input, output } = (p ?? {}) as { input?: unknown; output?: unknown };
    if (spec.trim() && ok(input) && ok(output)) out[spec.trim()] = { input, output };
  }
  return out;
}

export function readConfig(): CrucibleConfig {
  const c = vscode.workspace.getConfiguration('crucible');
  return {
    dataDir: c.get<string>('dataDir')?.trim() || process.env.CRUCIBLE_DATA_DIR || undefined,
    sandbox: c.get<string>('sandbox') || 'docker',
    images: c.get<Record<string, string>>('docker.images') ?? {},
    dockerHost: c.get<string>('docker.host')?.trim() ?? '',
    providers: c.get<Record<string, Record<string, unknown>>>('providers') ?? {},
    models: (c.get<string[]>('models') ?? []).filter((m) => typeof m === 'string' && m.trim()).map((m) => m.trim()),
    prices: cleanPrices(c.get<unknown>('prices')),
    confirmAbove: Math.max(0, Number(c.get<number>('cost.confirmAbove') ?? 1) || 0),
    strategies: Array.isArray(c.get<unknown>('strategies')) ? c.get<unknown[]>('strategies')! : [],
  };
}

/** Settings that are part of EngineInit: changing them needs an engine restart. */
export const ENGINE_SETTINGS = ['crucible.dataDir', 'crucible.docker.images', 'crucible.docker.host', 'crucible.providers', 'crucible.prices', 'crucible.strategies'];

export const LOCAL_SANDBOX_WARNING =
  'Crucible: the "local" sandbox runs model-generated code directly on this machine, without isolation. It can read, change or delete your files. Use "docker" or "bubblewrap" unless you trust the code.';

export class Engine implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  /** Notification handlers, re-registered on every (re)started client. */
  private readonly handlers: ((c: LanguageClient) => vscode.Disposable)[] = [];
  readonly output: vscode.LogOutputChannel;
  private readonly stopped = new vscode.EventEmitter<void>();
  /** Plugin modules other extensions registered (api.ts): loaded again on every engine start. */
  private readonly pluginModules = new Map<string, string | undefined>();
  /** Fires when the engine process stops (crash, restart or shutdown). */
  readonly onStopped = this.stopped.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private suitePaths: () => Promise<string[]>,
    /** Stored API keys, as environment variables for the engine process (see apiKeys.ts). */
    private readonly secretEnv: () => Promise<Record<string, string>> = async () => ({}),
  ) {
    this.output = vscode.window.createOutputChannel('Crucible Engine', { log: true });
  }

  /** The running client, starting the engine on first use. */
  async ready(): Promise<LanguageClient> {
    if (this.client?.isRunning()) return this.client;
    if (!this.starting) {
      this.starting = this.start().catch((e) => {
        this.starting = undefined;
        // Reported once per failed start, however many views and commands were waiting for it.
        const msg = e instanceof Error ? e.message : String(e);
        void vscode.window.showErrorMessage(`Crucible: the engine did not start: ${msg}`, 'Show Output')
          .then((b) => { if (b) this.output.show(); });
        throw e;
      });
    }
    return this.starting;
  }

  /** Whether the engine process is up (a stored key reaches it only when it starts). */
  isRunning(): boolean {
    return !!this.client?.isRunning();
  }

  /** Sends a request (a constant of protocol/requests.ts) to the engine, starting it if needed. */
  async request<P, R>(type: RequestType<P, R, void>, params: RequestParam<P>): Promise<R> {
    const client = await this.ready();
    return client.sendRequest(type, params);
  }

  /** Registers a notification handler (a constant of protocol/requests.ts); it survives engine restarts. */
  onNotification<P>(type: NotificationType<P>, fn: (p: P) => void): vscode.Disposable {
    const h = (c: LanguageClient) => c.onNotification(type, fn);
    this.handlers.push(h);
    const d = this.client ? h(this.client) : undefined;
    return new vscode.Disposable(() => {
      d?.dispose();
      const i = this.handlers.indexOf(h);
      if (i >= 0) this.handlers.splice(i, 1);
    });
  }

  /** Loads a plugin module into the engine now and on every later start; resolves with what it registered. */
  async addPlugin(module: string, kind?: string): Promise<{ kind: string; name: string }[]> {
    const running = this.isRunning();
    const first = !this.pluginModules.has(module);
    this.pluginModules.set(module, kind);
    try {
      // A starting engine loads it from its init options; a running one is asked now (a repeat is not loaded twice).
      const client = await this.ready();
      const r = await client.sendRequest(LoadPlugins, { modules: [module], kind });
      return r.loaded.flatMap((l) => l.registered);
    } catch (e) {
      if (first && !running) this.pluginModules.delete(module);
      throw e;
    }
  }

  async restart(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    this.starting = undefined;
    if (old) await old.dispose().catch(() => undefined);
    await this.ready();
  }

  /** The database the engine opens: the workspace's own, or the one "Open Database…" chose (a CLI's). */
  dbPath(): string {
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    return this.context.workspaceState.get<string>('crucible.dbPath') || path.join(storage.fsPath, 'crucible.db');
  }

  private async init(): Promise<EngineInit> {
    const cfg = readConfig();
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    fs.mkdirSync(storage.fsPath, { recursive: true });
    const cacheDir = path.join(this.context.globalStorageUri.fsPath, 'cache');
    fs.mkdirSync(cacheDir, { recursive: true });
    return {
      // Crucible: Open Database… points the engine at another database (one a CLI wrote).
      dbPath: this.dbPath(),
      dataDir: cfg.dataDir,
      cacheDir,
      sandbox: cfg.sandbox,
      images: Object.keys(cfg.images).length ? cfg.images : undefined,
      providers: cfg.providers,
      prices: Object.keys(cfg.prices).length ? cfg.prices : undefined,
      suitePaths: await this.suitePaths(),
      plugins: [...this.pluginModules.keys(), ...workspacePlugins(this.output)],
      strategies: cfg.strategies.length ? (cfg.strategies as Record<string, unknown>[]) : undefined,
    };
  }

  private async start(): Promise<LanguageClient> {
    const serverModule = this.context.asAbsolutePath(path.join('dist', 'server.js'));
    if (!fs.existsSync(serverModule)) throw new Error(`Crucible engine not found at ${serverModule} (run \`npm run build\`).`);
    const cfg = readConfig();
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (cfg.dockerHost) env.DOCKER_HOST = cfg.dockerHost;
    if (cfg.dataDir) env.CRUCIBLE_DATA_DIR = cfg.dataDir;
    // Stored keys win over keys inherited from the editor's environment.
    let keys: Record<string, string> = {};
    try {
      keys = await this.secretEnv();
    } catch (e) {
      // A locked or missing keychain must not stop runs that need no key; the environment still applies.
      this.output.warn(`stored API keys could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    Object.assign(env, keys);
    const { LanguageClient, State, TransportKind } = languageClient();
    const run = { module: serverModule, transport: TransportKind.ipc, options: { env } };
    const serverOptions: ServerOptions = { run, debug: { ...run, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } } };
    const clientOptions: LanguageClientOptions = {
      // The engine serves custom requests only; it does not need any document synchronised.
      documentSelector: [],
      outputChannel: this.output,
      initializationOptions: await this.init(),
    };
    const init = clientOptions.initializationOptions as EngineInit;
    // Settings only, never secrets (those stay in the environment).
    this.output.info(`starting ${serverModule}: ${JSON.stringify({ ...init, suitePaths: init.suitePaths?.length })}` +
      `${cfg.dockerHost ? ` DOCKER_HOST=${cfg.dockerHost}` : ''}` +
      // Which keys came from SecretStorage: names only.
      `${Object.keys(keys).length ? ` stored API keys: ${Object.keys(keys).join(', ')}` : ''}`);
    const client = new LanguageClient('crucible', 'Crucible Engine', serverOptions, clientOptions);
    for (const h of this.handlers) h(client);
    client.onDidChangeState((e) => { if (e.newState === State.Stopped) this.stopped.fire(); });
    await client.start();
    this.client = client;
    return client;
  }

  dispose(): void {
    void this.client?.dispose();
    this.stopped.dispose();
    this.output.dispose();
  }
}
