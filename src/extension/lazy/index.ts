// Modules kept out of the main bundle so activation parses ~150 KB instead of ~750 KB (issue 11:
// activation adds ≤ 100 ms; bench/activation.ts): each is its own file in dist/lazy/, required on first use.
import * as path from 'node:path';

// A computed path: esbuild leaves the require to run time (dist/extension.js → dist/lazy/<name>).
const load = <T>(name: string): T => require(path.join(__dirname, 'lazy', name)) as T;
let client: typeof import('./client') | undefined;
let config: typeof import('./config') | undefined;
/** vscode-languageclient (and vscode-jsonrpc): when the engine starts. */
export const languageClient = () => (client ??= load<typeof import('./client')>('client.js'));
/** The crucible.yaml reader: when a config file is opened or the engine reads its plugins. */
export const configLoader = () => (config ??= load<typeof import('./config')>('config.js'));
