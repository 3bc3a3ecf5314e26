// Registers the built-in plugins, exactly as a third party would register its own.
import { builtinLanguages } from './languages';
import { anthropicProvider } from './providers/anthropic';
import { ollamaProvider } from './providers/ollama';
import { openaiProvider } from './providers/openai';
import { PRESETS, presetFactory } from './providers/presets';
import { referenceProvider } from './providers/reference';
import { replayProvider } from './providers/replay';
import { createPlugins, type Plugins } from './registry';
import { autoSandbox } from './sandboxes/auto';
import { bubblewrapSandbox } from './sandboxes/bubblewrap';
import { dockerSandbox } from './sandboxes/docker';
import { localSandbox } from './sandboxes/local';
import { refusalScorer } from './scorers/refusal';
import { testsScorer } from './scorers/tests';
import { asIs } from './strategies/as-is';
import { completeBody } from './strategies/complete-body';
import { completeFunction } from './strategies/complete-function';
import { fewShot } from './strategies/few-shot';
import { reasonThenCode } from './strategies/reason-then-code';
import { advbenchSuite } from './suites/advbench';
import { chatFileSuite } from './suites/chat-file';
import { harmbenchSuite } from './suites/harmbench';
import { humanevalSuite } from './suites/humaneval';
import { humanevalXSuite } from './suites/humaneval-x';
import { xstestSuite } from './suites/xstest';

export function createBuiltins(): Plugins {
  const p = createPlugins();
  p.providers.register(referenceProvider);
  p.providers.register(replayProvider);
  p.providers.register(openaiProvider);
  p.providers.register(anthropicProvider);
  p.providers.register(ollamaProvider);
  // OpenAI-compatible services by name: gemini:…, vllm:…, llamacpp:…, lmstudio:…, tgi:…
  for (const preset of PRESETS) p.providers.register(presetFactory(preset.name, openaiProvider));
  p.sandboxes.register(dockerSandbox);
  p.sandboxes.register(bubblewrapSandbox);
  p.sandboxes.register(autoSandbox);
  p.sandboxes.register(localSandbox);
  for (const l of builtinLanguages) p.languages.register(l);
  p.suites.register(humanevalSuite);
  p.suites.register(humanevalXSuite);
  p.suites.register(xstestSuite);
  p.suites.register(harmbenchSuite);
  p.suites.register(advbenchSuite);
  // Any order works: each file suite takes only the files in its own format.
  p.suites.register(chatFileSuite);
  p.strategies.register(completeFunction);
  p.strategies.register(asIs);
  p.strategies.register(completeBody);
  p.strategies.register(fewShot);
  p.strategies.register(reasonThenCode);
  p.scorers.register(testsScorer);
  p.scorers.register(refusalScorer);
  p.defaults.strategy = { code: completeFunction.name, chat: asIs.name };
  p.defaults.scorers = { code: [testsScorer.name], chat: [refusalScorer.name] };
  return p;
}
