// Which environment variables the API-key commands may set, as pure functions (unit-tested in
// keyNames.test.ts). The engine reads a provider's key with ctx.secret(NAME), i.e. from its own
// environment, so a stored key is an environment variable name plus a value kept in SecretStorage.

export interface KeyProvider { label: string; envVar: string; detail: string }

export const KEY_PROVIDERS: KeyProvider[] = [
  { label: 'OpenAI', envVar: 'OPENAI_API_KEY', detail: 'openai:… models (and OpenAI-compatible servers that check a key)' },
  { label: 'Anthropic', envVar: 'ANTHROPIC_API_KEY', detail: 'anthropic:… models' },
  { label: 'Google Gemini', envVar: 'GEMINI_API_KEY', detail: 'gemini:… models (Gemini\'s OpenAI-compatible endpoint)' },
];

/** SecretStorage key under which the value for an environment variable is kept. */
export const secretKey = (envVar: string): string => `crucible.env.${envVar}`;

// Variables that change how the engine process (or what it starts) runs: a "key" with one of these
// names would be code injection or a redirect, not a credential.
const RESERVED = new Set(['PATH', 'HOME', 'NODE_OPTIONS', 'NODE_PATH', 'NODE_EXTRA_CA_CERTS', 'DOCKER_HOST', 'DOCKER_CONFIG',
  'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'SHELL', 'TMPDIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY']);

/** Why `name` cannot hold an API key, or null when it can. */
export function envVarNameProblem(name: string): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) return 'Letters, digits and _ only, not starting with a digit (e.g. MISTRAL_API_KEY)';
  const up = name.toUpperCase();
  if (RESERVED.has(up) || /^(LD_|DYLD_|VSCODE_|ELECTRON_|CRUCIBLE_|NPM_CONFIG_)/.test(up) || /_PROXY$/.test(up)) {
    return `${name} controls how the engine runs; it cannot be set as an API key`;
  }
  return null;
}

/** A pasted key, trimmed; null when it is empty or spans lines (a paste that caught more than the key). */
export function cleanKey(value: string): string | null {
  const v = value.trim();
  return v && !/\s/.test(v) ? v : null;
}

/** The stored names as kept in global state: valid, unique, sorted. */
export function normaliseNames(names: unknown): string[] {
  if (!Array.isArray(names)) return [];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && envVarNameProblem(n) === null))].sort();
}
