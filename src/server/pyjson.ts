// JSON as Python's json module writes it: NaN, Infinity and -Infinity are accepted (json.dumps emits
// them by default, e.g. MBPP+'s Mbpp/404), and integers beyond 2^53 exist. JavaScript's JSON.parse
// rejects the first and rounds the second, so:
//  - parsePyJson reads such text (non-finite numbers become the JS numbers NaN/±Infinity);
//  - rawTopLevel returns a top-level value's exact source text, for data that is only handed back to
//    Python (EvalPlus test inputs), so nothing is rounded or lost on the way.

/** Replaces NaN/Infinity/-Infinity tokens outside strings by a marker string, then restores them. */
export function parsePyJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    const MARK = '\u0000pyjson:';
    let out = '';
    let changed = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        const end = stringEnd(text, i);
        out += text.slice(i, end);
        i = end - 1;
        continue;
      }
      const m = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9));
      if (m && !/[\w.]/.test(text[i - 1] ?? '')) {
        out += JSON.stringify(MARK + m[1]);
        i += m[1].length - 1;
        changed = true;
        continue;
      }
      out += ch;
    }
    if (!changed) throw first;
    return JSON.parse(out, (_k, v) => {
      if (typeof v === 'string' && v.startsWith(MARK)) {
        const t = v.slice(MARK.length);
        return t === 'NaN' ? NaN : t === 'Infinity' ? Infinity : -Infinity;
      }
      return v;
    });
  }
}

/** Index just past the closing quote of the JSON string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return text.length;
}

/** Index just past the JSON value starting at `start` (after whitespace). */
function valueEnd(text: string, start: number): number {
  let i = start;
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') { i = stringEnd(text, i) - 1; if (depth === 0) return i + 1; continue; }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') { depth--; if (depth === 0) return i + 1; if (depth < 0) return i; }
    else if (depth === 0 && (c === ',')) return i;
  }
  return i;
}

/**
 * The source text of each wanted top-level key's value in one JSON object's text, verbatim
 * (whitespace trimmed). Keys not present are absent from the result.
 */
export function rawTopLevel(text: string, keys: readonly string[]): Record<string, string> {
  const want = new Set(keys);
  const out: Record<string, string> = {};
  let i = text.indexOf('{');
  if (i < 0) return out;
  i++;
  while (i < text.length) {
    while (i < text.length && /[\s,]/.test(text[i])) i++;
    if (text[i] !== '"') break;
    const kEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, kEnd)) as string;
    i = text.indexOf(':', kEnd) + 1;
    while (/\s/.test(text[i])) i++;
    const vEnd = valueEnd(text, i);
    if (want.has(key)) out[key] = text.slice(i, vEnd).trim();
    i = vEnd;
  }
  return out;
}
