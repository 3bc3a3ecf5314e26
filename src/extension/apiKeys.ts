// API keys in VS Code's SecretStorage (the OS keychain where there is one). The engine reads keys
// from its environment, so they are handed over only there, when the engine process starts: never
// through settings, initializationOptions, the output channel or the engine's database.
import * as vscode from 'vscode';
import { normaliseNames, secretKey } from './keyNames';

// SecretStorage cannot list its keys (in the VS Code versions we support): the names, which are not
// secret, are kept in global state beside it.
const NAMES = 'crucible.apiKeyNames';

export class ApiKeys {
  constructor(private readonly context: vscode.ExtensionContext) {}

  /** Environment variable names that have a stored key. */
  names(): string[] {
    return normaliseNames(this.context.globalState.get<unknown>(NAMES));
  }

  async set(envVar: string, value: string): Promise<void> {
    await this.context.secrets.store(secretKey(envVar), value);
    await this.context.globalState.update(NAMES, normaliseNames([...this.names(), envVar]));
  }

  async clear(envVar: string): Promise<void> {
    await this.context.secrets.delete(secretKey(envVar));
    await this.context.globalState.update(NAMES, this.names().filter((n) => n !== envVar));
  }

  /** The stored keys as environment variables, for the engine process only. */
  async env(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const name of this.names()) {
      const v = await this.context.secrets.get(secretKey(name));
      if (v) out[name] = v;
    }
    return out;
  }
}
