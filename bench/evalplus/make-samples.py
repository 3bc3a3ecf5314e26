# Deterministic samples for checking Crucible's EvalPlus verdicts against EvalPlus's own evaluator
# (see README "EvalPlus parity"). From each problem's canonical solution it writes: the solution as
# is, mutants (a comparison flipped, an integer literal changed, the last return negated) that pass
# some inputs and fail others, and the solution followed by a main guard that reads stdin. Every
# third sample uses EvalPlus's `completion` field (appended to the prompt), the others `solution`.
#   python3 make-samples.py HumanEvalPlus.jsonl.gz out.jsonl [per_task]
import gzip, json, re, sys

src, out = sys.argv[1], sys.argv[2]
per_task = int(sys.argv[3]) if len(sys.argv) > 3 else 4
opener = gzip.open if src.endswith('.gz') else open
rows = [json.loads(l) for l in opener(src, 'rt') if l.strip()]

def mutants(code):
    ms = []
    for pat, rep in [(r'<=', '<'), (r'(?<![<>=!])<(?![<=])', '<='), (r'>=', '>'), (r'(?<![<>=\-])>(?![>=])', '>='), (r'==', '!=')]:
        m = re.search(pat, code)
        if m:
            ms.append(code[:m.start()] + rep + code[m.end():])
            break
    m = re.search(r'(?<![\w.])(\d+)(?![\w.])', code)
    if m:
        ms.append(code[:m.start()] + str(int(m.group(1)) + 1) + code[m.end():])
    lines = code.split('\n')
    for i in range(len(lines) - 1, -1, -1):
        s = lines[i].strip()
        if s.startswith('return ') and len(s) > 7:
            ind = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
            ms.append('\n'.join(lines[:i] + [ind + 'return not (' + s[7:] + ')'] + lines[i + 1:]))
            break
    return ms

n = 0
with open(out, 'w') as f:
    for r in rows:
        canon = r['canonical_solution']
        variants = [canon] + mutants(canon) + [canon + '\n\nif __name__ == "__main__":\n    print(input())\n']
        for j, body in enumerate(variants[:per_task]):
            rec = {'task_id': r['task_id']}
            if n % 3 == 2:
                rec['completion'] = body
            else:
                rec['solution'] = r['prompt'] + body
            f.write(json.dumps(rec) + '\n')
            n += 1
print(n, 'samples')
