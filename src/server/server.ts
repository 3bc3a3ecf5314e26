// The engine process: a plain Node program speaking JSON-RPC (vscode-languageserver) to the
// extension over IPC or stdio. It owns all logic; the extension is a thin client.
import { createConnection, ProposedFeatures, ResponseError } from 'vscode-languageserver/node';
import type { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { EngineInit } from '../protocol';
import {
  CancelRun, CompareRuns, DeleteRun, EditRun, EstimateRun, GetPlan, GetProbes, GetRun, CompareArms, PreviewMessages, GetSample, GetProblem, LatestResults, ListProblems, ListRuns, ListSuites, LoadPlugins, ResumeRun, RunFinished, RunProgress, SampleFinished,
  StartRun,
} from '../protocol/requests';
import { createBuiltins } from './builtins';
import { Engine } from './engine';
import { loadPlugins, type LoadedPlugin } from './pluginapi';
import { Store } from './store/store';
import { Annotations } from './annotate/service';
import { registerAnnotationHandlers } from './annotate/rpc';

const connection = createConnection(ProposedFeatures.all);
let engine: Engine | undefined;
let store: Store | undefined;
const loadedPlugins = new Map<string, LoadedPlugin>();
let annotations: Annotations | undefined;

// The request constants come from the extension's vscode-jsonrpc; vscode-languageserver bundles an
// older copy whose RequestType class TypeScript treats as a different type, so handlers are
// registered by the constant's method name and typed by the constant here.
function handle<P, R>(def: RequestType<P, R, void>, fn: (e: Engine, p: P) => R | Promise<R>): void {
  connection.onRequest(def.method, async (params: P): Promise<R> => {
    if (!engine) throw new ResponseError(-32002, 'the Crucible engine is not initialized');
    try {
      store?.refresh(); // see what another process (a CLI) has written since; no-op while we write
      return await fn(engine, params);
    } catch (e) {
      // The message goes to the user as is: make it the clear one, not a stack.
      throw new ResponseError(1, (e as Error).message ?? String(e));
    }
  });
}
const send = <P>(def: NotificationType<P>, p: P) => void connection.sendNotification(def.method, p);

connection.onInitialize(async (params) => {
  const init = params.initializationOptions as EngineInit;
  if (!init?.dbPath) throw new ResponseError(-32602, 'initializationOptions.dbPath is required');
  // Writes only while a run holds the database's lock: browsing beside a CLI run never blocks it.
  store = await Store.open(init.dbPath, { readOnly: false });
  const plugins = createBuiltins();
  // Plugins from other extensions and the workspace's crucible.yaml: one that fails to load is
  // reported and left out; the engine still serves everything else.
  for (const m of init.plugins ?? []) {
    try { for (const p of await loadPlugins(plugins, [m], loadedPlugins)) connection.console.info(`plugin ${p.module}: ${p.registered.map((r) => `${r.kind} ${r.name}`).join(', ')}`); } catch (e) { connection.console.error(`plugin ${m}: ${(e as Error).message}`); }
  }
  engine = new Engine(plugins, store, { owner: 'VS Code (Crucible)', ...init });
  annotations = new Annotations(store, plugins, { owner: 'VS Code (Crucible)', providers: init.providers });
  engine.on('sample', (s) => send(SampleFinished, s));
  engine.on('progress', (r) => send(RunProgress, r));
  engine.on('finished', (r) => send(RunFinished, r));
  // A mistake in the crucible.strategies setting is the user's to fix: shown as an error, not buried in a log.
  const bad = engine.strategyConfigError;
  if (bad) setTimeout(() => void connection.window.showErrorMessage(`Crucible: ${bad}`), 0);
  return { capabilities: {}, serverInfo: { name: 'crucible-engine', version: '0.1.0' } };
});

handle(StartRun, async (e, plan) => ({ runId: await e.startRun(plan) }));
handle(EstimateRun, (e, plan) => e.estimateRun(plan));
handle(ResumeRun, async (e, p) => ({ runId: await e.resumeRun(p.runId, { retryErrors: p.retryErrors }) }));
handle(CancelRun, (e, p) => ({ cancelled: e.cancelRun(p.runId) }));
handle(ListRuns, (e) => e.listRuns());
handle(GetRun, (e, p) => e.getRun(p.runId));
handle(GetProbes, (e, p) => e.probes(p.runId));
handle(GetSample, (e, p) => e.getSample(p.sampleId));
handle(ListSuites, (e, p) => e.listSuites(p?.extraPaths ?? []));
handle(ListProblems, (e, p) => e.listProblems(p.suite));
handle(LatestResults, (e, p) => e.latestResults(p.file));
handle(LoadPlugins, async (e, p) => {
  const loaded = await loadPlugins(e.plugins, p.modules, loadedPlugins);
  for (const l of loaded) {
    if (p.kind && !l.registered.some((r) => r.kind === p.kind)) throw new Error(`${l.module}: registers ${l.registered.map((r) => `${r.kind} ${r.name}`).join(', ')}, no ${p.kind}`);
  }
  return { loaded };
});
handle(GetProblem, (e, p) => e.catalog.problemText(p.suite, p.problemId));
handle(CompareRuns, (e, p) => e.compareRuns(Array.isArray(p?.runIds) ? p.runIds.filter((x) => typeof x === 'string') : []));
handle(GetPlan, (e, p) => e.runPlan(p.runId));
handle(EditRun, (e, p) => e.editRun(p.runId, { label: p.label, tags: Array.isArray(p.tags) ? p.tags.filter((x) => typeof x === 'string') : undefined }));
handle(DeleteRun, async (e, p) => { await e.deleteRun(p.runId); return { deleted: true as const }; });
registerAnnotationHandlers(connection, () => (annotations && store ? { annotations, store } : undefined));
handle(CompareArms, (e, p) => e.compare(p.runs, { arms: p.arms, scorer: p.scorer }));
handle(PreviewMessages, (e, p) => e.previewMessages(p.suite, p.problemId, p.strategies));

async function shutdown(): Promise<void> {
  await engine?.dispose();
  annotations?.release();
  store?.close();
  engine = undefined; store = undefined; annotations = undefined;
}
connection.onShutdown(shutdown);
connection.onExit(() => process.exit(0));
process.on('SIGTERM', () => { void shutdown().finally(() => process.exit(0)); });

connection.listen();
