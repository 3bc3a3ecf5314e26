// The API Crucible's activate() returns, for other VS Code extensions:
//   const crucible = vscode.extensions.getExtension('crucible-dev.crucible')?.exports as CrucibleApi;
//   await crucible.registerProvider(context.asAbsolutePath('dist/my-provider.js'));
// The engine is another process, so a plugin is a JavaScript module path, not an object: the engine
// loads it (exports activate(api), see src/server/pluginapi.ts) into the same registry the built-ins
// use. Registered modules are loaded again whenever the engine restarts.
import type { Engine } from './engine';

export interface CrucibleApi {
  /** The API's version; additions keep it, changes raise it. */
  readonly apiVersion: 1;
  /** Loads a plugin module of any kinds; resolves with what it registered. */
  registerPlugin(module: string): Promise<Registered>;
  registerProvider(module: string): Promise<Registered>;
  registerScorer(module: string): Promise<Registered>;
  registerSuite(module: string): Promise<Registered>;
  registerStrategy(module: string): Promise<Registered>;
  registerLanguage(module: string): Promise<Registered>;
  registerSandbox(module: string): Promise<Registered>;
}

export type Registered = { kind: string; name: string }[];

export function createApi(engine: Engine): CrucibleApi {
  const reg = (kind?: string) => async (module: string): Promise<Registered> => {
    if (typeof module !== 'string' || !module) throw new Error('Crucible: register… takes the absolute path of a JavaScript module');
    return engine.addPlugin(module, kind);
  };
  return {
    apiVersion: 1,
    registerPlugin: reg(),
    registerProvider: reg('provider'),
    registerScorer: reg('scorer'),
    registerSuite: reg('suite'),
    registerStrategy: reg('strategy'),
    registerLanguage: reg('language'),
    registerSandbox: reg('sandbox'),
  };
}
