// The built-in languages, for registration and for sandboxes that need a Language by name.
import type { Language } from '../plugins';
import { pythonLanguage } from './python';

export const builtinLanguages: Language[] = [pythonLanguage];

export function languageFor(name: string): Language {
  const l = builtinLanguages.find((x) => x.name === name);
  if (!l) throw new Error(`unknown language "${name}" (built in: ${builtinLanguages.map((x) => x.name).join(', ')})`);
  return l;
}
