// Stands in for vscode-jsonrpc in the main extension bundle (esbuild.mjs aliases it), so
// src/protocol/requests.ts's constants cost nothing at activation. They carry what the connection reads
// (method, number of parameters, parameter structure); the structure is vscode-jsonrpc's own object
// from dist/lazy/client.js, read only when a message is sent — the connection compares it by identity.
import { languageClient } from './index';

abstract class Signature {
  constructor(readonly method: string, readonly numberOfParams: number) {}
  get parameterStructures(): unknown { return languageClient().ParameterStructures.auto; }
}
export class RequestType<P, R, E> extends Signature {
  declare readonly _?: [P, R, E];
  constructor(method: string) { super(method, 1); }
}
export class NotificationType<P> extends Signature {
  declare readonly _?: P;
  constructor(method: string) { super(method, 1); }
}
