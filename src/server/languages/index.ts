// The built-in languages, for registration and for sandboxes that need a Language by name.
import type { Language } from '../plugins';
import { cppLanguage } from './cpp';
import { goLanguage } from './go';
import { javaLanguage } from './java';
import { javascriptLanguage } from './javascript';
import { pythonLanguage } from './python';
import { rustLanguage } from './rust';
import { typescriptLanguage } from './typescript';

export const builtinLanguages: Language[] = [
  pythonLanguage, javascriptLanguage, typescriptLanguage, javaLanguage, cppLanguage, goLanguage, rustLanguage,
];

export function languageFor(name: string): Language {
  const l = builtinLanguages.find((x) => x.name === name);
  if (!l) throw new Error(`unknown language "${name}" (built in: ${builtinLanguages.map((x) => x.name).join(', ')})`);
  return l;
}
