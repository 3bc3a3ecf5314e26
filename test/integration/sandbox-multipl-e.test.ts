// MultiPL-E's Java, Go and Rust programs (../shared/datasets/multipl-e) in the Docker sandbox, run
// the way MultiPL-E's evaluators run them (languages/multipl-e.ts). MultiPL-E has no canonical
// solutions: the right answers below were written by hand, each followed by more text after the
// first stop token (as a model's raw continuation would be), which must be cut off, as MultiPL-E does.
// Wrong answers fail with the assertion, compile errors fail with the compiler's message, endless
// loops time out, and exiting with status 0 before the tests finished fails. CRUCIBLE_FULL=1 also
// compiles and runs every problem's program with a stub body.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeProblem } from '../../src/server/plugins';
import { dockerSandbox, type DockerSandbox } from '../../src/server/sandboxes/docker';
import { multiplESuite } from '../../src/server/suites/multipl-e';

const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../shared/datasets');
const ONLY = process.env.CRUCIBLE_LANGS?.split(',');
/** CRUCIBLE_FULL=1: the stub runs on every problem, not every 15th. */
const FULL = process.env.CRUCIBLE_FULL === '1';

/** MultiPL-E problems whose own tests do not compile: no completion passes them, in MultiPL-E either. */
export const KNOWN_BAD: Record<string, string> = {
  'go:HumanEval_87_get_row': 'the tests put []interface{}{…} literals where [][]int is expected: "cannot use []interface{}{…} … as type []int"',
};

interface Lang {
  name: string; data: string;
  /** Problem name → a right completion (with text after a stop token). */
  right: Record<string, string>;
  /** Problem name → a wrong completion that compiles. */
  wrong: Record<string, string>;
  wrongDetail: RegExp;
  /** A completion of HumanEval_0 that does not compile, and the compiler's message. */
  compileError: string; compileDetail: RegExp;
  loop: string;
  /** A body that compiles for every problem and fails at run time, with its detail: the problem's own program compiles and runs. */
  stub: string; stubDetail: RegExp;
  /** HumanEval_0 made to exit with status 0 before its tests finish: the problem as changed, the completion. */
  exits: { problem?: (p: CodeProblem) => CodeProblem; completion: string; note: string; detail: RegExp }[];
}

const JAVA_TAIL = '\n    }\n    public static void notPartOfTheAnswer() { this does not compile }\n';
const GO_TAIL = '\nfunc notPartOfTheAnswer() { this does not compile }\n';
const RUST_TAIL = '\n}\n\nfn not_part_of_the_answer() { this does not compile }\n';
/** The verdict of a program that exits 0 without the harness's marker. */
const EXITED = /^the program exited before its tests finished \(exit status 0\)/;
const goWithOs = (p: CodeProblem): CodeProblem => ({ ...p, prompt: p.prompt.replace('import (\n', 'import (\n    "os"\n') });

const LANGS: Lang[] = [
  {
    name: 'java', data: 'java',
    right: {
      HumanEval_0_has_close_elements: '        for (int i = 0; i < numbers.size(); i++)\n            for (int j = i + 1; j < numbers.size(); j++)\n' +
        '                if (Math.abs(numbers.get(i) - numbers.get(j)) < threshold) return true;\n        return false;' + JAVA_TAIL,
      HumanEval_3_below_zero: '        long balance = 0;\n        for (long op : operations) {\n            balance += op;\n            if (balance < 0) return true;\n        }\n        return false;' + JAVA_TAIL,
      HumanEval_7_filter_by_substring: '        ArrayList<String> out = new ArrayList<>();\n        for (String s : strings) if (s.contains(substring)) out.add(s);\n        return out;' + JAVA_TAIL,
      // Pair is javatuples' (org.javatuples, on the class path as in MultiPL-E).
      HumanEval_8_sum_product: '        long sum = 0, product = 1;\n        for (long n : numbers) { sum += n; product *= n; }\n        return Pair.with(sum, product);' + JAVA_TAIL,
      HumanEval_13_greatest_common_divisor: '        while (b != 0) { long t = a % b; a = b; b = t; }\n        return a;' + JAVA_TAIL,
      HumanEval_23_strlen: '        return string.length();' + JAVA_TAIL,
    },
    wrong: {
      HumanEval_0_has_close_elements: '        return false;' + JAVA_TAIL,
      HumanEval_8_sum_product: '        return Pair.with(0l, 0l);' + JAVA_TAIL,
      HumanEval_23_strlen: '        return string.length() + 1;' + JAVA_TAIL,
    },
    wrongDetail: /java\.lang\.AssertionError/,
    compileError: '        return "yes";' + JAVA_TAIL, compileDetail: /error: incompatible types: String cannot be converted to boolean/,
    loop: '        while (true) {}' + JAVA_TAIL,
    stub: '        throw new UnsupportedOperationException("crucible stub");' + JAVA_TAIL, stubDetail: /UnsupportedOperationException: crucible stub/,
    exits: [{ completion: '        System.exit(0);\n        return false;' + JAVA_TAIL, note: 'System.exit(0) in the function', detail: EXITED }],
  },
  {
    name: 'go', data: 'go',
    right: {
      HumanEval_0_has_close_elements: '    for i := range numbers {\n        for j := i + 1; j < len(numbers); j++ {\n            d := numbers[i] - numbers[j]\n' +
        '            if d < 0 {\n                d = -d\n            }\n            if d < threshold {\n                return true\n            }\n        }\n    }\n    return false\n}\n' + GO_TAIL,
      HumanEval_3_below_zero: '    balance := 0\n    for _, op := range operations {\n        balance += op\n        if balance < 0 {\n            return true\n        }\n    }\n    return false\n}\n' + GO_TAIL,
      HumanEval_7_filter_by_substring: '    out := []string{}\n    for _, s := range strings {\n        for i := 0; i+len(substring) <= len(s); i++ {\n' +
        '            if s[i:i+len(substring)] == substring {\n                out = append(out, s)\n                break\n            }\n        }\n    }\n    return out\n}\n' + GO_TAIL,
      HumanEval_8_sum_product: '    sum, product := 0, 1\n    for _, n := range numbers {\n        sum += n\n        product *= n\n    }\n    return []interface{}{sum, product}\n}\n' + GO_TAIL,
      HumanEval_13_greatest_common_divisor: '    for b != 0 {\n        a, b = b, a%b\n    }\n    return a\n}\n' + GO_TAIL,
      HumanEval_23_strlen: '    return len(myString)\n}\n' + GO_TAIL,
    },
    wrong: {
      HumanEval_0_has_close_elements: '    return false\n}\n' + GO_TAIL,
      HumanEval_8_sum_product: '    return []interface{}{0, 0}\n}\n' + GO_TAIL,
      HumanEval_23_strlen: '    return len(myString) + 1\n}\n' + GO_TAIL,
    },
    wrongDetail: /expected '.*', got '.*'/,
    compileError: '    return "yes"\n}\n', compileDetail: /cannot use "yes" \(untyped string constant\) as bool value in return statement/,
    loop: '    for {\n    }\n}\n',
    stub: '    panic("crucible stub")\n}\n', stubDetail: /panic: crucible stub/,
    exits: [
      { problem: goWithOs, completion: '    os.Exit(0)\n    return false\n}\n', note: 'os.Exit(0) in the function (during a test)', detail: /unexpected call to os\.Exit\(0\) during test/ },
      // "}; func" rather than "}\nfunc": "\nfunc" is a stop token, which would cut the init off.
      { problem: goWithOs, completion: '    return false\n}; func init() { os.Exit(0) }\n', note: 'os.Exit(0) in an init, before any test runs', detail: EXITED },
    ],
  },
  {
    name: 'rust', data: 'rs',
    right: {
      HumanEval_0_has_close_elements: '    for i in 0..numbers.len() {\n        for j in (i + 1)..numbers.len() {\n' +
        '            if (numbers[i] - numbers[j]).abs() < threshold {\n                return true;\n            }\n        }\n    }\n    false' + RUST_TAIL,
      HumanEval_3_below_zero: '    let mut balance = 0;\n    for op in operations {\n        balance += op;\n        if balance < 0 {\n            return true;\n        }\n    }\n    false' + RUST_TAIL,
      HumanEval_7_filter_by_substring: '    strings.into_iter().filter(|s| s.contains(&substring)).collect()' + RUST_TAIL,
      HumanEval_8_sum_product: '    (numbers.iter().sum(), numbers.iter().product())' + RUST_TAIL,
      HumanEval_13_greatest_common_divisor: '    let (mut a, mut b) = (a, b);\n    while b != 0 {\n        let t = a % b;\n        a = b;\n        b = t;\n    }\n    a' + RUST_TAIL,
      HumanEval_23_strlen: '    string.len() as isize' + RUST_TAIL,
    },
    wrong: {
      HumanEval_0_has_close_elements: '    false' + RUST_TAIL,
      HumanEval_8_sum_product: '    (0, 0)' + RUST_TAIL,
      HumanEval_23_strlen: '    string.len() as isize + 1' + RUST_TAIL,
    },
    wrongDetail: /assertion .*left == right.* failed|left: /,
    compileError: '    "yes"' + RUST_TAIL, compileDetail: /error\[E0308\]: mismatched types/,
    loop: '    loop {}' + RUST_TAIL,
    stub: '    unimplemented!("crucible stub")' + RUST_TAIL, stubDetail: /not implemented: crucible stub/,
    exits: [{ completion: '    std::process::exit(0)' + RUST_TAIL, note: 'std::process::exit(0) in the function', detail: EXITED }],
  },
];

for (const lang of LANGS) {
  if (ONLY && !ONLY.includes(lang.name)) continue;
  describe(`MultiPL-E ${lang.name} in the docker sandbox`, () => {
    let sb: DockerSandbox;
    let byName: Map<string, CodeProblem>;
    const problem = (name: string) => byName.get(name) ?? assert.fail(`no ${name} in multipl-e-${lang.data}`);

    before(async () => {
      const problems = await multiplESuite.load(`multipl-e-${lang.data}`, { dataDir: DATA, cacheDir: DATA }) as CodeProblem[];
      byName = new Map(problems.map((p) => [p.id, p]));
      sb = (await dockerSandbox.create({ languages: [lang.name], concurrency: 2, config: {} })) as DockerSandbox;
    });
    after(async () => { await sb?.close(); });

    it(`reads every problem as ${lang.name}`, () => {
      assert.ok(byName.size > 150, `${byName.size} problems`);
      for (const p of byName.values()) assert.equal(p.language, lang.name);
    });

    it(`passes ${Object.keys(lang.right).length} right answers, cut at their stop tokens`, async () => {
      const bad: string[] = [];
      await Promise.all(Object.entries(lang.right).map(async ([name, completion]) => {
        const r = await sb.execute({ problem: problem(name), completion, timeoutMs: 10_000 });
        if (r.status !== 'passed') bad.push(`${name}: ${r.status} ${r.detail}\n${r.output.slice(-800)}`);
      }));
      assert.deepEqual(bad, []);
    });

    it(`fails ${Object.keys(lang.wrong).length} wrong answers, with the assertion as detail`, async () => {
      const bad: string[] = [];
      await Promise.all(Object.entries(lang.wrong).map(async ([name, completion]) => {
        const r = await sb.execute({ problem: problem(name), completion, timeoutMs: 10_000 });
        if (r.status !== 'failed' || !lang.wrongDetail.test(r.detail)) bad.push(`${name}: ${r.status} ${r.detail}\n${r.output.slice(-800)}`);
      }));
      assert.deepEqual(bad, []);
    });

    // Every problem's program (prompt, javatuples imports, tests) compiles as MultiPL-E compiles it
    // and its tests call the function: a stub body fails at run time, never at compile time.
    it(`compiles and runs ${FULL ? 'every problem' : 'every 15th problem'} with a stub body that fails when called`, async () => {
      const chosen = [...byName.values()].filter((_, i) => FULL || i % 15 === 0);
      let next = 0;
      const bad: string[] = [];
      await Promise.all([0, 1].map(async () => {
        while (next < chosen.length) {
          const p = chosen[next++];
          const r = await sb.execute({ problem: p, completion: lang.stub, timeoutMs: 10_000 });
          const known = KNOWN_BAD[`${lang.name}:${p.id}`];
          if (known && !/^compile error: /.test(r.detail)) bad.push(`${p.id} is listed as not compiling (${known}) but did: remove it from KNOWN_BAD`);
          if (!known && (r.status !== 'failed' || !lang.stubDetail.test(r.detail))) bad.push(`${p.id}: ${r.status} ${r.detail}\n${r.output.slice(-600)}`);
        }
      }));
      assert.deepEqual(bad, []);
    });

    it('fails a compile error with the compiler\'s message', async () => {
      const r = await sb.execute({ problem: problem('HumanEval_0_has_close_elements'), completion: lang.compileError, timeoutMs: 10_000 });
      assert.equal(r.status, 'failed', `${r.detail}\n${r.output}`);
      assert.match(r.detail, /^compile error: /);
      assert.match(r.detail, lang.compileDetail);
    });

    it('times out an endless loop', async () => {
      const r = await sb.execute({ problem: problem('HumanEval_0_has_close_elements'), completion: lang.loop, timeoutMs: 2000 });
      assert.equal(r.status, 'timeout', `${r.detail}\n${r.output}`);
    });

    for (const exit of lang.exits) {
      it(`fails a program that exits with status 0 before its tests finished: ${exit.note}`, async () => {
        const p = problem('HumanEval_0_has_close_elements');
        const r = await sb.execute({ problem: exit.problem ? exit.problem(p) : p, completion: exit.completion, timeoutMs: 10_000 });
        assert.equal(r.status, 'failed', `${r.detail}\n${r.output}`);
        assert.match(r.detail, exit.detail);
      });
    }
  });
}
