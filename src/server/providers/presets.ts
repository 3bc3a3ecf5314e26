// Presets for services that speak OpenAI's API: data only. A preset fills in the openai provider's
// settings (base URL, key variable, …); anything set explicitly in the config wins. Use one as
// `providers: { openai: { preset: "vllm" } }`, or register it under its own name with
// presetFactory("gemini") so a model spec reads "gemini:gemini-2.0-flash".
import type { ProviderFactory } from '../plugins';

export interface Preset {
  name: string;
  description: string;
  /** Settings merged under the user's openai config. */
  config: {
    baseURL: string;
    apiKeyEnv?: string;
    /** The service refuses requests without a key (so fail before the first call). */
    requireKey?: boolean;
    logprobs?: boolean;
    stream?: boolean;
  };
  /** Where the endpoint is documented. */
  docs: string;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'gemini',
    description: "Google Gemini through its OpenAI-compatible endpoint",
    config: { baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai/', apiKeyEnv: 'GEMINI_API_KEY', requireKey: true },
    docs: 'https://ai.google.dev/gemini-api/docs/openai',
  },
  {
    name: 'vllm',
    description: "vLLM's OpenAI-compatible server (`vllm serve MODEL`)",
    // vLLM checks a key only when started with --api-key; logprobs (top-5) are supported.
    config: { baseURL: 'http://localhost:8000/v1', apiKeyEnv: 'VLLM_API_KEY', logprobs: true },
    docs: 'https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html',
  },
  {
    name: 'llamacpp',
    description: "llama.cpp's llama-server (`llama-server -m model.gguf`)",
    config: { baseURL: 'http://localhost:8080/v1', apiKeyEnv: 'LLAMACPP_API_KEY', logprobs: true },
    docs: 'https://github.com/ggml-org/llama.cpp/tree/master/tools/server',
  },
  {
    name: 'lmstudio',
    description: "LM Studio's local server (Developer tab → Start Server)",
    config: { baseURL: 'http://localhost:1234/v1', apiKeyEnv: 'LMSTUDIO_API_KEY' },
    docs: 'https://lmstudio.ai/docs/app/api/endpoints/openai',
  },
  {
    name: 'tgi',
    description: "Hugging Face Text Generation Inference's Messages API",
    config: { baseURL: 'http://localhost:8080/v1', apiKeyEnv: 'HF_TOKEN' },
    docs: 'https://huggingface.co/docs/text-generation-inference/messages_api',
  },
];

export function presetFor(name: string): Preset {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new Error(`unknown OpenAI-compatible preset "${name}" (known: ${PRESETS.map((x) => x.name).join(', ')})`);
  return p;
}

/**
 * A provider named after the preset that delegates to the openai provider with the preset applied.
 * Takes the openai factory as an argument so this file stays data plus one function.
 */
export function presetFactory(name: string, openai: ProviderFactory): ProviderFactory {
  const preset = presetFor(name);
  return {
    name: preset.name,
    create: (model, ctx) => openai.create(model, { ...ctx, config: { ...ctx.config, preset: preset.name, providerName: preset.name } }),
  };
}
