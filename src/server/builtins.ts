// Registers the built-in plugins, exactly as a third party would register its own.
import { builtinLanguages } from './languages';
import { openaiProvider } from './providers/openai';
import { referenceProvider } from './providers/reference';
import { replayProvider } from './providers/replay';
import { createPlugins, type Plugins } from './registry';
import { dockerSandbox } from './sandboxes/docker';
import { localSandbox } from './sandboxes/local';
import { completeFunction } from './strategies/complete-function';
import { humanevalSuite } from './suites/humaneval';

export function createBuiltins(): Plugins {
  const p = createPlugins();
  p.providers.register(referenceProvider);
  p.providers.register(replayProvider);
  p.providers.register(openaiProvider);
  p.sandboxes.register(dockerSandbox);
  p.sandboxes.register(localSandbox);
  for (const l of builtinLanguages) p.languages.register(l);
  p.suites.register(humanevalSuite);
  p.strategies.register(completeFunction);
  return p;
}
