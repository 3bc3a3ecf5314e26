// One registry for every plugin kind. Built-ins (./builtins.ts) call the same register
// functions a third party does.
import type { Language, ProblemKind, ProviderFactory, SandboxFactory, ScorerFactory, Strategy, SuiteSource } from './plugins';

export class Registry<T extends { name: string }> {
  private readonly items = new Map<string, T>();
  constructor(readonly kind: string) {}
  register(item: T): void {
    if (this.items.has(item.name)) throw new Error(`${this.kind} "${item.name}" is already registered`);
    this.items.set(item.name, item);
  }
  get(name: string): T {
    const it = this.items.get(name);
    if (!it) throw new Error(`unknown ${this.kind} "${name}" (known: ${[...this.items.keys()].join(', ') || 'none'})`);
    return it;
  }
  has(name: string): boolean { return this.items.has(name); }
  names(): string[] { return [...this.items.keys()]; }
  all(): T[] { return [...this.items.values()]; }
}

export interface Plugins {
  providers: Registry<ProviderFactory>;
  sandboxes: Registry<SandboxFactory>;
  languages: Registry<Language>;
  suites: Registry<SuiteSource>;
  strategies: Registry<Strategy>;
  scorers: Registry<ScorerFactory>;
  /** Per problem kind: the strategy an arm without one uses, and the scorers a run without any applies. */
  defaults: { strategy: Partial<Record<ProblemKind, string>>; scorers: Partial<Record<ProblemKind, string[]>> };
}

export function createPlugins(): Plugins {
  return {
    providers: new Registry('provider'),
    sandboxes: new Registry('sandbox'),
    languages: new Registry('language'),
    suites: new Registry('suite source'),
    strategies: new Registry('strategy'),
    scorers: new Registry('scorer'),
    defaults: { strategy: {}, scorers: {} },
  };
}
