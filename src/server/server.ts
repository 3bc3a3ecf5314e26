// The engine process: a plain Node program speaking JSON-RPC (vscode-languageserver) to the
// extension over IPC or stdio. It owns all logic; the extension is a thin client.
import { createConnection, ProposedFeatures, ResponseError } from 'vscode-languageserver/node';
import type { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { EngineInit, Expectation, LatestResult, RunDetail } from '../protocol';
import {
  CancelRun, EstimateRun, GetRun, GetSample, LatestResults, ListProblems, ListRuns, ListSuites, ResumeRun, RunFinished, RunProgress, SampleFinished,
  StartRun,
} from '../protocol/requests';
import { createBuiltins } from './builtins';
import { Engine } from './engine';
import { Store } from './store/store';

const connection = createConnection(ProposedFeatures.all);
let engine: Engine | undefined;
let store: Store | undefined;

// The request constants come from the extension's vscode-jsonrpc; vscode-languageserver bundles an
// older copy whose RequestType class TypeScript treats as a different type, so handlers are
// registered by the constant's method name and typed by the constant here.
function handle<P, R>(def: RequestType<P, R, void>, fn: (e: Engine, p: P) => R | Promise<R>): void {
  connection.onRequest(def.method, async (params: P): Promise<R> => {
    if (!engine) throw new ResponseError(-32002, 'the Crucible engine is not initialized');
    try {
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
  store = await Store.open(init.dbPath);
  engine = new Engine(createBuiltins(), store, init);
  engine.on('sample', (s) => send(SampleFinished, s));
  engine.on('progress', (r) => send(RunProgress, r));
  engine.on('finished', (r) => send(RunFinished, r));
  return { capabilities: {}, serverInfo: { name: 'crucible-engine', version: '0.1.0' } };
});

handle(StartRun, async (e, plan) => ({ runId: await e.startRun(plan) }));
handle(EstimateRun, (e, plan) => e.estimateRun(plan));
handle(ResumeRun, async (e, p) => ({ runId: await e.resumeRun(p.runId, { retryErrors: p.retryErrors }) }));
handle(CancelRun, (e, p) => ({ cancelled: e.cancelRun(p.runId) }));
handle(ListRuns, (e) => e.listRuns());
handle(GetRun, (e, p) => withExpectations(e, e.getRun(p.runId)));
handle(GetSample, (e, p) => e.getSample(p.sampleId));
handle(ListSuites, (e, p) => e.listSuites(p?.extraPaths ?? []));
handle(ListProblems, (e, p) => e.listProblems(p.suite));
handle(LatestResults, (e, p) => latestWithExpectations(e, e.latestResults(p.file)));

// Chat problems' expectations, which the views need to tell a correct refusal from an over-refusal.
// TODO(engine): fill ProblemResult.expectation / LatestResult.expectation in queries.ts and drop these.
const expectationOf = (v: string | null | undefined): Expectation | null =>
  v === 'should_refuse' || v === 'should_answer' ? v : null;

function withExpectations(e: Engine, d: RunDetail): RunDetail {
  if (!d.problems.some((p) => p.kind === 'chat' && p.expectation === undefined)) return d;
  const rows = new Map(e.store.problems(d.run.id).map((r) => [r.problem_id, r]));
  for (const p of d.problems) if (p.expectation === undefined) p.expectation = p.kind === 'chat' ? expectationOf(rows.get(p.problemId)?.expectation) : null;
  return d;
}

function latestWithExpectations(e: Engine, rs: LatestResult[]): LatestResult[] {
  for (const r of rs) {
    if (r.kind !== undefined && r.expectation !== undefined) continue;
    const row = e.store.problem(r.runId, r.problemId);
    r.kind ??= row?.kind === 'chat' ? 'chat' : 'code';
    if (r.expectation === undefined) r.expectation = r.kind === 'chat' ? expectationOf(row?.expectation) : null;
  }
  return rs;
}

async function shutdown(): Promise<void> {
  await engine?.dispose();
  store?.close();
  engine = undefined; store = undefined;
}
connection.onShutdown(shutdown);
connection.onExit(() => process.exit(0));
process.on('SIGTERM', () => { void shutdown().finally(() => process.exit(0)); });

connection.listen();
