// Example provider plugin: llama.cpp's own server API (`POST /completion`), which continues the
// prompt as it is — the way HumanEval was meant to be sampled — instead of going through a chat
// template. Load it from crucible.yaml (`plugins: [./plugins/llamacpp-provider.js]`) and use it as
// `model: llamacpp-native:<name>`, with `providers: { llamacpp-native: { baseURL: http://127.0.0.1:8080 } }`.
//
// A plugin module exports activate(api); api.registerProvider takes { name, create(model, ctx) }
// and create returns { name, model, generate(req) } (see src/server/plugins.ts: ProviderFactory).
'use strict';

/** Where a completion stops: the next top-level statement ends a HumanEval function body. */
const STOP = ['\ndef ', '\nclass ', '\nif __name__', '\nprint(', '\n#'];

function cut(text, stops) {
  let end = text.length;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && i < end) end = i;
  }
  return text.slice(0, end);
}

const provider = {
  name: 'llamacpp-native',
  create(model, ctx) {
    const base = String(ctx.config.baseURL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
    return {
      name: 'llamacpp-native',
      model,
      async generate(req) {
        const p = req.problem;
        const prompt = p.kind === 'chat' ? p.messages.map((m) => `${m.role}: ${m.content}`).join('\n') + '\nassistant:' : p.prompt;
        const body = { prompt, n_predict: req.params.maxTokens ?? 512, temperature: req.params.temperature ?? 0, stop: p.kind === 'chat' ? [] : STOP };
        if (req.params.seed !== undefined) body.seed = req.params.seed;
        const t0 = performance.now();
        let res;
        try {
          res = await fetch(`${base}/completion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: req.signal });
        } catch (e) {
          // Errors name provider, model and cause.
          throw new Error(`llamacpp-native:${model}: cannot reach ${base} (${e.cause?.code ?? e.message})`);
        }
        if (!res.ok) throw new Error(`llamacpp-native:${model}: HTTP ${res.status} from ${base}/completion: ${(await res.text()).slice(0, 200)}`);
        const r = await res.json();
        if (typeof r.content !== 'string') throw new Error(`llamacpp-native:${model}: reply has no "content"`);
        const raw = r.content;
        return {
          raw,
          // The server continued the prompt: the continuation, cut at the stops, is the completion.
          ...(p.kind === 'chat' ? {} : { completion: cut(raw, STOP) }),
          tokensIn: r.tokens_evaluated,
          tokensOut: r.tokens_predicted,
          latencyMs: performance.now() - t0,
          finishReason: r.stop_type ?? (r.stopped_eos ? 'eos' : undefined),
          paramsSent: body,
          // The server names the model file it loaded: the audit records it.
          modelVersion: typeof r.model === 'string' ? r.model : undefined,
        };
      },
    };
  },
};

exports.activate = function activate(api) {
  api.registerProvider(provider);
};
