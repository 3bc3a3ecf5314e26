// Small text helpers shared by the generic extraction step and the languages' extraction hooks.

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `code` seems to define `entry` in a C-like syntax: the name, then on the same line and
 * before any `;` an opening parenthesis or brace. Crude on purpose (it only picks among fences).
 */
export function looksLikeDefinition(code: string, entry: string): boolean {
  return new RegExp(`\\b${escapeRe(entry)}\\b[^\\n;]*[({]`).test(code);
}
