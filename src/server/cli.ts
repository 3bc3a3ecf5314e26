// `crucible`: the same engine, no editor. For CI and for runs too big to babysit.
//   crucible eval --suite humaneval --model reference --n 1 --k 1
//   crucible eval --suite humaneval --model openai:gpt-4o-mini --n 10 --k 1,10
//   crucible eval --suite humaneval --samples samples.jsonl          (replay, human-eval compatible)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import type { ArmSpec, ModelMetrics, RunPlan, RunSummary } from '../protocol';
import { imagesText } from '../protocol/panel';
import { createBuiltins } from './builtins';
import { sha256 } from './audit';
import { CONFIG_FILE, findConfig, loadConfig, type LoadedConfig } from './config/load';
import { applyConfig, givenOptions, type FileExtras } from './config/options';
import { configThresholds, evaluateThresholds, mergeThresholds, parseFailUnder, parseMaxSlipRate, thresholdKs, unknownArms, type Threshold } from './config/thresholds';
import { Engine } from './engine';
import { runCompare } from './commands/compare';
import { runPreview } from './commands/preview';
import { stageText } from './commands/stages';
import { probeLines } from './commands/probes-summary';
import { normalizePlan, resolveArms } from './engine/plan';
import { EXIT, isBadInput } from './exitcodes';
import { loadPlugins } from './pluginapi';
import { collectReport } from './report/data';
import { writeOutputs } from './report/write';
import { runGrade } from './grade';
import { runAgreement } from './commands/agreement';
import { runArena } from './commands/arena';
import { registerStrategiesFile } from './strategy-config';
import { replayCounts } from './providers/replay';
import { evalplusCounts, runRows, writeBigcodeGenerations, writeEvalPlusResults, writeHumanEvalResults } from './formats/export';
import { readSamples } from './formats/samples';
import { meanPassAtK } from './metrics/passk';
import { parseDockerHost, type DockerHostSpec } from './sandboxes/docker';
import { Store } from './store/store';

const HELP = `crucible — evaluate LLMs on code, in a sandbox

Usage:
  crucible eval --suite <name|file.jsonl[.gz]> (--model <spec>… | --samples <file.jsonl>) [options]
  crucible resume <run-id> [--retry-errors]   finish an interrupted run; --retry-errors remakes error samples
  crucible runs [--db <file>]
  crucible grade refusal FILE [--out OUT.jsonl]   label replies collected elsewhere (CSV/JSONL with prompt, completion)
  crucible agreement FILE --columns A,B[,C…] [--json]   agreement between annotators (κ, α, bootstrap CIs)
  crucible arena ratings FILE [--json]   Bradley–Terry ratings from battles (JSONL: model_a, model_b, winner)
  crucible compare RUN [RUN2] [--arms A,B] [--scorer S] [--json]   paired comparison of arms (crucible compare --help)
  crucible preview --suite S [--problem ID] [--strategy NAME…] [--strategies FILE.yaml]   each strategy's messages before a run

Model specs: reference (canonical solutions) · openai:<model> · replay:<samples.jsonl>
Options:
  --suite <s>         suite name or file; repeat to mix suites in one run          [humaneval]
                      code: humaneval, humaneval-x-<lang>, humanevalplus[-mini], mbppplus, mbpp, mbpp-sanitized,
                      multipl-e-<js|ts|java|cpp|go|rs>, HumanEval/EvalPlus/MBPP/MultiPL-E .jsonl[.gz] files
                      chat: xstest, harmbench, harmbench-test, harmbench-val, advbench, chat .csv/.jsonl
                      probes: library-hallu-bench, truthfulqa[@seed], questions .csv/.jsonl with answer, *.bias.yaml
  --arm <k=v,…>       an arm to compare: model=<spec>[,strategy=<name>][,id=<name>][,temperature=…][,top-p=…][,max-tokens=…][,seed=…]
  --strategies <file> prompt strategies defined in a YAML/JSON file (a list, or a "strategies:" key)
  --stages <list>     progressive sampling: sample indices in stages, e.g. 1,4,16 (the last is n)
  --early-stop        with --stages: stop after a stage once every pair of arms differs (Bonferroni over stages)
  --allocate <policy> thompson | linucb: spend --budget samples where the arms differ, instead of n per problem
  --budget <int>      with --allocate: samples in all (over every problem and arm)
  --allocate-seed <int>  with --allocate: the policy's seed (default: random, recorded with the run)
  --scorer <name>     add a scorer (defaults: tests for code problems, refusal for chat problems)
  --judge <spec>      the refusal scorer also asks this model to grade each reply (its raw verdict is stored)
  --model <spec>      model to evaluate; repeat for several                         [reference]
  --samples <path>    score samples another tool wrote; writes <path>_results.jsonl. human-eval JSONL (task_id,
                      completion), EvalPlus (solution; folders <task_id>/<i>.py; *eval_results.json), CodeGeeX
                      (generation), bigcode generations.json (suite order), MultiPL-E completions (.json.gz / folder).
                      A task with fewer samples than n is scored over those it has (and named)
  --suite-language <l>  language of a suite file without a language field (python, javascript, …)
  --generations-out <file>   also write the run as bigcode generations.json (whole programs, suite order)
  --evalplus-out <file>      also write the run as EvalPlus eval_results.json (base_status, plus_status)
  --n <int>           samples per problem per model                                [1, or as in --samples]
  --k <list>          pass@k values, e.g. 1,10,100                                  [1]
  --limit <int>       only the first N problems
  --problems <ids>    only these problem ids (comma-separated)
  --sandbox <name>    docker | local (UNSANDBOXED: runs generated code on this machine)  [docker]
  --docker-host <spec>  a Docker engine to run samples on; repeat for a fleet (spread, a dead one drained):
                      unix:///path · tcp://host:2376,certs=<dir with ca.pem cert.pem key.pem> ·
                      ssh://user@host[:port][,identity=<key>][,known-hosts=<file>]   [$CRUCIBLE_DOCKER_HOSTS, else DOCKER_HOST]
  --image <img>       Docker image for python                                      [crucible-python:local if present, else python:3.12-slim]
                      sci = crucible-python-sci:local (numpy, scipy, pandas, sympy, networkx, scikit-learn)
  --timeout <ms>      fixed wall-clock limit per sample  [calibrated: 10 × the canonical solution's time here, ≥ 3000; 10000 without one]
  --timeout-factor <x>, --timeout-floor <ms>   the calibration's factor and floor   [10, 3000]
  --concurrency <n>   parallel generations                                         [8]
  --temperature <t>, --max-tokens <n>, --seed <n>
  --base-url <url>    OpenAI-compatible server (vLLM, llama.cpp, LM Studio, …); key from OPENAI_API_KEY
  --db <file>         database                                                    [.crucible/crucible.db]
  --out <file>        write human-eval-format results JSONL here
  --no-cache          call the provider even when this exact request was answered before
  --max-cost <usd>    refuse to start when the estimated cost is higher (or unknown)
  --json              print the run summary as JSON instead of a table
Configuration (crucible.yaml: every key is the option of the same name; options typed here win):
  --config <file>     read this crucible.yaml             [./crucible.yaml or the nearest parent's, up to the repository root]
  --no-config         ignore crucible.yaml
  --plugin <module>   load a plugin module (exports activate(api)); repeat for several
CI gates and reports:
  --fail-under [ARM:]pass@K=MIN   fail (exit 1) when pass@K of every arm (or ARM) is below MIN; repeat
  --max-slip-rate [ARM=]MAX       fail (exit 1) when the slip rate of every arm (or ARM) is above MAX
  --summary-json <f>  summary JSON (metrics, thresholds, audit)  --csv <f>  one row per sample
  --html <f>          self-contained HTML report with charts     --markdown <f>  summary for a PR comment
  --lm-eval <f>       lm-evaluation-harness-style results JSON
Exit codes: 0 ok · 1 a threshold failed · 2 bad input (flag, crucible.yaml, suite/samples file, plugin; nothing ran)
            3 run incomplete (samples in error, cancelled, failed, or could not start)
Environment: CRUCIBLE_DATA_DIR (datasets folder), DOCKER_HOST, OPENAI_API_KEY.`;

class UsageError extends Error {}

function dockerHostSpec(text: string): DockerHostSpec {
  try { return parseDockerHost(text); } catch (e) { throw new UsageError(`--docker-host: ${(e as Error).message}`); }
}

/** "--arm model=openai:gpt-4o,strategy=complete-function,temperature=0.2,id=gpt4o-t02" → an arm. */
function parseArm(text: string): ArmSpec {
  const arm: ArmSpec = { model: '' };
  const params: NonNullable<ArmSpec['params']> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new UsageError(`--arm takes key=value pairs separated by commas, e.g. model=openai:gpt-4o,strategy=complete-function (got "${part}")`);
    const k = part.slice(0, eq).trim(), v = part.slice(eq + 1).trim();
    const numeric = (name: keyof typeof params) => {
      const x = Number(v);
      if (!Number.isFinite(x) || x < 0) throw new UsageError(`--arm ${k} takes a non-negative number (got "${v}")`);
      params[name] = x;
    };
    if (k === 'model') arm.model = v;
    else if (k === 'strategy') arm.strategy = v;
    else if (k === 'id') arm.id = v;
    else if (k === 'temperature') numeric('temperature');
    else if (k === 'top-p' || k === 'topP') numeric('topP');
    else if (k === 'max-tokens' || k === 'maxTokens') numeric('maxTokens');
    else if (k === 'seed') numeric('seed');
    else throw new UsageError(`--arm: unknown key "${k}" (known: model, strategy, id, temperature, top-p, max-tokens, seed)`);
  }
  if (!arm.model) throw new UsageError(`--arm needs model=<spec> (got "${text}")`);
  if (Object.keys(params).length) arm.params = params;
  return arm;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'grade') return runGrade(rest);
  if (cmd === 'agreement') return runAgreement(rest);
  if (cmd === 'arena') return runArena(rest);
  if (cmd === 'compare') return runCompare(rest);
  if (cmd === 'preview') return runPreview(rest);
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { console.log(HELP); return cmd ? 0 : 2; }
  // Before anything is opened: an unknown command must not create a database.
  if (!['eval', 'resume', 'runs'].includes(cmd)) throw new UsageError(`unknown command "${cmd}" (try: crucible --help)`);
  let parsed;
  try {
    parsed = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      suite: { type: 'string', multiple: true }, model: { type: 'string', multiple: true }, samples: { type: 'string' },
      arm: { type: 'string', multiple: true }, scorer: { type: 'string', multiple: true }, judge: { type: 'string' },
      n: { type: 'string' }, k: { type: 'string', default: '1' }, limit: { type: 'string' }, problems: { type: 'string' },
      sandbox: { type: 'string', default: 'docker' }, image: { type: 'string' }, 'docker-host': { type: 'string', multiple: true }, timeout: { type: 'string' },
      'timeout-factor': { type: 'string' }, 'timeout-floor': { type: 'string' },
      concurrency: { type: 'string' }, temperature: { type: 'string' }, 'max-tokens': { type: 'string' }, seed: { type: 'string' },
      'base-url': { type: 'string' }, db: { type: 'string', default: path.join('.crucible', 'crucible.db') }, out: { type: 'string' },
      json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
      strategies: { type: 'string' }, stages: { type: 'string' }, 'early-stop': { type: 'boolean', default: false },
      allocate: { type: 'string' }, budget: { type: 'string' }, 'allocate-seed': { type: 'string' },
      'no-cache': { type: 'boolean', default: false }, 'max-cost': { type: 'string' }, 'retry-errors': { type: 'boolean', default: false },
      config: { type: 'string' }, 'no-config': { type: 'boolean', default: false }, plugin: { type: 'string', multiple: true },
      'fail-under': { type: 'string', multiple: true }, 'max-slip-rate': { type: 'string', multiple: true },
      'summary-json': { type: 'string' }, csv: { type: 'string' }, html: { type: 'string' }, markdown: { type: 'string' }, 'lm-eval': { type: 'string' },
      'suite-language': { type: 'string' }, 'generations-out': { type: 'string' }, 'evalplus-out': { type: 'string' },
    },
    strict: true,
    tokens: true,
  });
  } catch (e) {
    // node's own words (unknown option, missing value) are clear; they are usage errors all the same.
    throw new UsageError((e as Error).message.replace(/\n/g, ' '));
  }
  const { positionals } = parsed;
  let o = parsed.values;
  if (o.help) { console.log(HELP); return 0; }
  // crucible.yaml: what `crucible eval` runs with no flags; every option typed wins over it.
  let config: LoadedConfig | null = null;
  let extras: FileExtras = {};
  if (cmd === 'eval' && !o['no-config']) {
    const file = o.config ?? findConfig(process.cwd());
    if (file) {
      config = loadConfig(file);
      const merged = applyConfig(o, givenOptions(parsed.tokens), config.config);
      o = merged.values as typeof o;
      extras = merged.extras;
      console.error(`crucible: using ${path.relative(process.cwd(), config.file) || CONFIG_FILE}`);
    }
  } else if (o.config) {
    throw new UsageError(`--config applies to crucible eval only`);
  }
  // Thresholds: the file's, then the command line's (which replace those of the same metric and arm).
  const thresholds: Threshold[] = mergeThresholds(configThresholds(config?.config.thresholds, config ? path.basename(config.file) : undefined),
    [...(o['fail-under'] ?? []).map(parseFailUnder), ...(o['max-slip-rate'] ?? []).map(parseMaxSlipRate)]);
  // Every numeric option is positive: a zero or negative limit, factor or count makes no sense.
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) throw new UsageError(`--${name} takes a positive whole number (got "${v}")`);
    return x;
  };
  const num = (name: string, v: string | undefined, allowZero = false) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0 || (x === 0 && !allowZero)) throw new UsageError(`--${name} takes a ${allowZero ? 'non-negative' : 'positive'} number (got "${v}")`);
    return x;
  };

  const dbPath = path.resolve(o.db!);
  if (cmd === 'runs') {
    // Browsing reads only: no lock, nothing written, a live run elsewhere stays as it is.
    const ro = await Store.open(dbPath, { readOnly: true });
    try {
      for (const r of ro.runs()) console.log(`${r.id}  ${r.status.padEnd(9)}  ${r.done}/${r.total}  ${r.label}`);
    } finally {
      ro.close();
    }
    return 0;
  }
  // Plugins (the file's, then --plugin) join the built-ins before anything is looked up by name.
  const plugins = createBuiltins();
  await loadPlugins(plugins, [...(config?.config.plugins ?? []), ...(o.plugin ?? []).map((p) => path.resolve(p))]);
  // Strategies from a file: checked before anything is opened, every mistake named with its line.
  if (o.strategies) { try { registerStrategiesFile(plugins, o.strategies); } catch (e) { throw new UsageError((e as Error).message); } }
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const store = await Store.open(dbPath, { readOnly: false });
  // One writer per database; runs left running by a writer that died are marked failed here.
  store.acquireWriter(`crucible ${cmd}`);
  const images = { ...(extras.images ?? {}), ...(o.image ? { python: o.image } : {}) };
  // Mutable: a bigcode generations.json gets its suite's task order here before the run starts.
  const providers: Record<string, Record<string, unknown>> = { ...(extras.providers ?? {}) };
  if (o['base-url']) providers.openai = { ...(providers.openai ?? {}), baseURL: o['base-url'] };
  const engine = new Engine(plugins, store, {
    dbPath,
    dataDir: process.env.CRUCIBLE_DATA_DIR,
    cacheDir: path.join(path.dirname(dbPath), 'cache'),
    images: Object.keys(images).length ? images : undefined,
    providers, // the same object: a bigcode file sets providers.replay below, after the engine is made
    owner: 'crucible CLI',
    // Checked and registered by the engine (strategy-config.ts), mistakes named with crucible.yaml's lines.
    ...(config?.config.strategies ? { strategies: config.config.strategies, strategiesFile: config.file } : {}),
    sandboxes: o['docker-host']?.length ? { docker: { dockerHosts: o['docker-host'].map(dockerHostSpec) } } : undefined,
  });
  const stop = () => { engine.cancelAll().finally(() => { store.close(); process.exit(130); }); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (engine.strategyConfigError) throw new UsageError(engine.strategyConfigError);
    /** Builds the plan from the options, shows the cost estimate, and starts the run. */
    const startEval = async (): Promise<string> => {
      if (cmd !== 'eval') throw new UsageError(`unknown command "${cmd}" (try: crucible --help)`);
      if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (options start with --)`);

      // A suite file's language, when the file does not say it: "<path>#language=<l>" reaches the suites.
      const lang = o['suite-language'];
      const suites = (o.suite?.length ? o.suite : ['humaneval']).map((s) => (lang && !/#language=/.test(s) ? `${s}#language=${lang}` : s));
      const arms = o.arm?.length ? o.arm.map(parseArm) : extras.arms ?? [];
      const scorers: Record<string, Record<string, unknown>> = { ...(extras.scorers ?? {}) };
      for (const sc of o.scorer ?? []) scorers[sc] = {};
      if (o.judge) (scorers.refusal ??= {}).judge = o.judge;
      const models = [...(o.model ?? [])];
      let n = int('n', o.n);
      let problems = o.problems?.split(',').map((s) => s.trim()).filter(Boolean);
      if (o.samples) {
        models.push(`replay:${path.resolve(o.samples)}`);
        const ids = (await engine.listProblems(suites[0])).map((p) => p.id);
        const set = await readSamples(o.samples, ids);
        if (set.format === 'bigcode') providers.replay = { taskIds: ids };
        const counts = new Map([...set.byTask].map(([id, l]) => [id, l.length]));
        if (counts.size === 0 || Math.max(...counts.values()) === 0) throw new UsageError(`${o.samples}: no samples`);
        if (n === undefined) n = Math.max(...counts.values());
        // Each task is scored over the samples it has (never padded with error samples); say which have fewer.
        const fewer = [...counts].filter(([, c]) => c < n!);
        if (fewer.length) {
          console.error(`crucible: ${fewer.length} task(s) have fewer than n=${n} samples and are scored over those they have: ` +
            fewer.slice(0, 10).map(([id, c]) => `${id} (${c})`).join(', ') + (fewer.length > 10 ? `, … (${fewer.length - 10} more)` : ''));
        }
        // Like human-eval, score the problems the samples file covers (and refuse tasks the suite lacks).
        const known = new Set(ids);
        const unknown = [...counts.keys()].filter((id) => !known.has(id));
        if (unknown.length) throw new UsageError(`${o.samples}: task_id ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ' …' : ''} is not in suite ${suites[0]}`);
        problems ??= [...counts.keys()];
      }
      if (models.length === 0 && arms.length === 0) models.push('reference');
      for (const a of arms) if (!models.includes(a.model)) models.push(a.model);
      const plan: RunPlan = {
        suite: suites[0], suites: suites.length > 1 ? suites : undefined, models, arms: arms.length ? arms : undefined,
        scorers: Object.keys(scorers).length ? scorers : undefined, n: n ?? 1,
        k: o.k!.split(',').map((s) => { const x = Number(s.trim()); if (!Number.isInteger(x) || x < 1) throw new UsageError(`--k takes positive whole numbers, e.g. 1,10 (got "${o.k}")`); return x; }),
        limit: int('limit', o.limit), problems,
        sandbox: o.sandbox, timeoutMs: int('timeout', o.timeout), concurrency: int('concurrency', o.concurrency),
        timeoutFactor: num('timeout-factor', o['timeout-factor']), timeoutFloorMs: int('timeout-floor', o['timeout-floor']),
        temperature: num('temperature', o.temperature, true), maxTokens: int('max-tokens', o['max-tokens']), seed: o.seed === undefined ? undefined : (() => { const x = Number(o.seed); if (!Number.isInteger(x)) throw new UsageError(`--seed takes a whole number (got "${o.seed}")`); return x; })(),
        noCache: o['no-cache'], label: extras.label,
      };
      if (o.stages !== undefined) {
        plan.stages = o.stages.split(',').map((x) => { const v = Number(x.trim()); if (!Number.isInteger(v) || v < 1) throw new UsageError(`--stages takes increasing whole numbers, e.g. 1,4,16 (got "${o.stages}")`); return v; });
        if (n === undefined) plan.n = plan.stages[plan.stages.length - 1];
      }
      if (o.allocate !== undefined) {
        if (o.allocate !== 'thompson' && o.allocate !== 'linucb') throw new UsageError(`--allocate takes thompson or linucb (got "${o.allocate}")`);
        const budget = int('budget', o.budget);
        if (budget === undefined) throw new UsageError('--allocate needs --budget <samples>');
        const seed = o['allocate-seed'] === undefined ? undefined : Number(o['allocate-seed']);
        if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--allocate-seed takes a whole number (got "${o['allocate-seed']}")`);
        plan.allocate = { policy: o.allocate, budget, seed };
      } else if (o.budget !== undefined) throw new UsageError('--budget needs --allocate thompson|linucb');
      if (o['early-stop']) { if (!plan.stages) throw new UsageError('--early-stop needs --stages'); plan.earlyStop = {}; }
      // pass@k of every k a threshold names is reported; thresholds naming no arm of the run are refused.
      plan.k = [...new Set([...plan.k, ...thresholdKs(thresholds)])].sort((a, b) => a - b);
      const armIds = resolveArms(normalizePlan(plan)).map((a) => a.id);
      const stray = unknownArms(thresholds, armIds);
      if (stray.length) throw new UsageError(`a threshold names arm ${stray.map((a) => `"${a}"`).join(', ')}, which this run does not have (arms: ${armIds.join(', ')})`);
      if (plan.sandbox === 'local') {
        console.error('WARNING: --sandbox local runs model-generated code on this machine WITHOUT isolation.');
      }

      const est = await engine.estimateRun(plan);
      if (est.models.some((m) => m.calls > 0)) {
        const usd = est.dollars === null ? 'unknown (no price for ' + est.models.filter((m) => m.dollars === null).map((m) => m.model).join(', ') + ')' : `$${est.dollars.toFixed(2)}`;
        console.error(`estimate: ${est.models.reduce((a, m) => a + m.calls, 0)} calls, ~${est.models.reduce((a, m) => a + m.tokensIn, 0)} tokens in, ~${est.models.reduce((a, m) => a + m.tokensOut, 0)} out, ${usd} (before cache hits)`);
        const max = num('max-cost', o['max-cost'], true);
        if (max !== undefined && (est.dollars === null || est.dollars > max)) {
          throw new UsageError(`the estimated cost ${usd} is over --max-cost $${max}; raise it, or lower --n/--limit`);
        }
      }
      return engine.startRun(plan, config ? { configFile: { path: config.file, sha256: sha256(readFileSync(config.file)) } } : {});
    };
    let runId: string;
    if (cmd === 'resume') {
      if (positionals.length !== 1) throw new UsageError('usage: crucible resume <run-id> [--retry-errors]');
      runId = await engine.resumeRun(positionals[0], { retryErrors: o['retry-errors'] });
    } else {
      runId = await startEval();
    }
    const tty = process.stderr.isTTY && !o.json;
    const bar = tty ? new SingleBar({ format: ' {bar} {value}/{total} samples · {passed} passed · {eta_formatted} left', hideCursor: true }, Presets.shades_classic) : null;
    const first = engine.runSummary(runId, false);
    bar?.start(first.total, first.done, { passed: 0 });
    let passed = 0;
    // Not a terminal (CI logs): a plain line per tenth of the run, and at least every 30 s.
    const plain = !tty ? plainProgress(first.total) : null;
    engine.on('sample', (s) => { if (s.runId === runId && s.status === 'passed') passed++; });
    engine.on('stage', (e) => { if (e.runId === runId && !o.json) { bar?.stop(); console.log(stageText(e)); } });
    engine.on('progress', (r) => { if (r.id === runId) { bar?.update(r.done, { passed }); plain?.(r.done, passed); } });
    const summary = await engine.waitForRun(runId);
    bar?.update(summary.done, { passed });
    bar?.stop();
    // The database could not be written (disk full, …): its message says what was kept and what to do.
    if (store.failed) throw store.failed;

    // A samples file's results sit beside it (human-eval's convention), for a resumed run too.
    const replayed = summary.models.map((m) => /^replay:(.*)$/.exec(m)?.[1]).find((f): f is string => !!f);
    const samplesFile = o.samples ?? (cmd === 'resume' ? replayed : undefined);
    const outFile = o.out ?? (samplesFile ? `${samplesFile}_results.jsonl` : path.join(path.dirname(dbPath), 'runs', `${runId}_results.jsonl`));
    let rows: ReturnType<typeof runRows> = [];
    try {
      rows = runRows(engine, store, runId);
      writeHumanEvalResults(rows, outFile);
      if (o['generations-out']) writeBigcodeGenerations(rows, o['generations-out']);
      if (o['evalplus-out']) writeEvalPlusResults(rows, o['evalplus-out']);
    } catch (e) {
      throw new Error(`cannot write the results file ${outFile}: ${(e as Error).message}; the run is stored (crucible runs), nothing was lost`);
    }
    const probes = engine.probes(runId);
    if (o.json) console.log(JSON.stringify(Object.keys(probes).length ? { ...summary, probes } : summary, null, 2));
    else {
      // Which images scored the run (the audit's digests): a score is only comparable with the same image.
      printSummary(summary, outFile, imagesText(engine.runAudit(runId)?.sandbox?.images));
      for (const l of probeLines(summary, probes)) console.log(l);
      printEvalPlus(rows, summary);
    }
    // Errors (provider or sandbox faults) mean the measurement is incomplete: CI must notice.
    const errors = summary.metrics.reduce((a, m) => a + m.errors, 0);
    if (errors > 0) {
      const gen = summary.metrics.reduce((a, m) => a + m.generationErrors, 0);
      console.error(`crucible: ${errors} sample(s) ended in error and were not scored (${gen} failed to generate, ${errors - gen} failed to score); ` +
        `pass@k and rates count only scored samples. See ${outFile}; retry them with: crucible resume ${runId} --retry-errors`);
    }
    if (summary.status !== 'completed') console.error(`crucible: run ${runId} ${summary.status}${summary.error ? `: ${summary.error}` : ''}`);
    // Thresholds: each one's verdict, the failing ones named. An incomplete run (3) outranks a failed threshold (1).
    const verdicts = evaluateThresholds(thresholds, summary);
    for (const v of verdicts) console.error(`crucible: threshold ${v.message}`);
    const failedGates = verdicts.filter((v) => !v.ok);
    const code = summary.status !== 'completed' || errors > 0 ? EXIT.incomplete : failedGates.length ? EXIT.thresholdFailed : EXIT.ok;
    if (failedGates.length) console.error(`crucible: ${failedGates.length} threshold(s) failed: ${failedGates.map((v) => `${v.threshold.kind === 'fail-under' ? `pass@${v.threshold.k}` : 'slip rate'} of ${v.arm}`).join(', ')}`);
    const written = writeOutputs(collectReport(engine, runId, verdicts), code, {
      summary: o['summary-json'], csv: o.csv, html: o.html, markdown: o.markdown, lmEval: o['lm-eval'],
    });
    if (written.length && !o.json) console.log(`reports: ${written.join(', ')}`);
    return code;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await engine.dispose();
    store.close();
  }
}

function plainProgress(total: number): (done: number, passed: number) => void {
  let step = -1;
  let last = Date.now();
  return (done, passed) => {
    const s = total ? Math.floor((10 * done) / total) : 10;
    if (s === step && Date.now() - last < 30_000) return;
    step = s;
    last = Date.now();
    console.error(`progress: ${done}/${total} samples (${total ? Math.floor((100 * done) / total) : 100}%), ${passed} passed`);
  };
}

/** EvalPlus problems: pass@k on the base inputs and on base + plus, as EvalPlus reports them. */
function printEvalPlus(rows: ReturnType<typeof runRows>, r: RunSummary): void {
  for (const arm of r.arms ?? []) {
    const c = evalplusCounts(rows, arm);
    if (!c) continue;
    const line = (m: Map<string, [number, number]>) => r.k.map((k) => {
      const v = meanPassAtK([...m.values()].map(([n, x]) => ({ n, c: x })), k);
      return `pass@${k} ${v === null ? '— (a problem has fewer than k samples)' : v.toFixed(3)}`;
    }).join(' · ');
    console.log(`EvalPlus ${arm}: base ${line(c.base)} | base+plus ${line(c.plus)} (${c.base.size} problems)`);
  }
}

const fmt = (v: number | null, d = 3) => (v === null ? '—' : v.toFixed(d));
const ms = (v: number | null) => (v === null ? '—' : v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(2)} s`);

function interval(lo: number | null, hi: number | null): string {
  return lo === null || hi === null ? '[n/a]' : `[${fmt(lo)}, ${fmt(hi)}]`;
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** What timeouts cost an arm: sandbox time, and how many were re-run (starved of CPU) or final at once. */
function timeoutLine(m: ModelMetrics): string {
  const t = m.timeoutCost!;
  return `timeouts (${armName(m)}): ${t.samples} sample(s) ran into their limit, costing ${ms(t.ms)} of sandbox time; ` +
    `${t.final} final at once (they had the CPU), ${t.retried} re-run (starved of CPU)`;
}

const armName = (m: ModelMetrics) => (m.arm.length > 40 ? '…' + m.arm.slice(-39) : m.arm);

function printSummary(r: RunSummary, outFile: string, images = ''): void {
  console.log(`\nRun ${r.id} · ${r.label} · ${r.status} · ${r.done}/${r.total} samples · sandbox ${r.sandbox}${r.sandbox === 'local' ? ' (UNSANDBOXED)' : ''} · wall ${ms(r.wallMs)}`);
  if (images) console.log(`sandbox ${r.sandbox}: ${images}`);
  if (r.error) console.log(`error: ${r.error}`);
  const code = r.metrics.filter((m) => m.passed + m.failed + m.timeouts > 0 || (m.errors > 0 && !m.refusal));
  let noInterval = false, short = false;
  if (code.length) {
    const rows = code.map((m: ModelMetrics) => [
      armName(m),
      ...m.passAtK.map((p) => {
        if (p.value !== null && p.ciLow === null) noInterval = true;
        if (p.short) short = true;
        return `${fmt(p.value)} ${interval(p.ciLow, p.ciHigh)}${p.short ? ` (${p.problems} of ${(p.problems ?? 0) + p.short})` : ''}`;
      }),
      `${m.passed}/${m.failed}/${m.timeouts}/${m.errors}`,
      ms(m.latency.p50), ms(m.exec.p50), ms(m.exec.p95),
      `${m.tokensIn}/${m.tokensOut}`, m.cost === null ? 'price unknown' : `$${m.cost.toFixed(4)}`,
    ]);
    printTable(['arm', ...r.k.map((k) => `pass@${k} [95% CI]`), 'pass/fail/timeout/err', 'gen p50', 'exec p50', 'exec p95', 'tokens in/out', 'cost'], rows);
  }
  const chat = r.metrics.filter((m) => m.refusal);
  if (chat.length) {
    if (code.length) console.log('');
    const rate = (x: { value: number | null; ciLow: number | null; ciHigh: number | null; x: number; n: number }) =>
      x.value === null ? '— (none)' : `${fmt(x.value)} ${interval(x.ciLow, x.ciHigh)} ${x.x}/${x.n}`;
    printTable(['arm', 'refused', 'answered', 'slipped', 'ambiguous', 'err', 'slip rate [95% CI]', 'over-refusal [95% CI]'],
      chat.map((m) => {
        const f = m.refusal!;
        return [armName(m), String(f.refused), String(f.answeredSafe), String(f.slipped), String(f.ambiguous), String(f.errors), rate(f.slipRate), rate(f.overRefusalRate)];
      }));
  }
  for (const m of code) if (m.timeoutCost) console.log(timeoutLine(m));
  if (noInterval) console.log('[n/a]: no interval can be computed (fewer than 2 problems, or every problem scored the same)');
  if (short) console.log('(a of b): pass@k over the a problems with at least k scored samples; the others had fewer (errors are not scored)');
  console.log(`\nresults: ${outFile}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    // Bad input and unreachable services are the user's to fix: say what and where, no stack trace.
    console.error(`crucible: ${e.message}`);
    if (process.env.CRUCIBLE_DEBUG) console.error(e.stack);
    process.exit(e instanceof UsageError || isBadInput(e) ? EXIT.badInput : EXIT.incomplete);
  },
);
