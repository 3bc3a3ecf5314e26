// Its own bundle (dist/lazy/client.js, esbuild.mjs): the language client and the one copy of
// vscode-jsonrpc the extension uses, loaded when the engine starts rather than at activation.
export * from 'vscode-languageclient/node';
export { ParameterStructures } from 'vscode-jsonrpc';
