import fc from 'fast-check';
import Assembler from 'stream-json/core/assembler.js';
import { jsonParser } from 'stream-json/core/parser.js';
import { none } from 'stream-chain/defs.js';
import { describe, expect, it } from 'vitest';
import { PeriodBuffer } from '../../stages/core/period-buffer.js';
import { scanVisibilityPeriods } from '../../stages/core/visibility-scanner.js';

type Scan = { problem: null; starts: number[]; stops: number[] } | { problem: string };

function scan(text: string, out = new PeriodBuffer(4)): Scan {
  const problem = scanVisibilityPeriods(text, out);
  if (problem !== null) {
    expect(out.length).toBe(0);
    return { problem };
  }
  const starts = Array.from(out.starts.subarray(0, out.length));
  return { problem: null, starts, stops: Array.from(out.stops.subarray(0, out.length)) };
}

function expectPeriods(text: string, starts: number[], stops: number[]): void {
  const result = scan(text);
  expect(result).toEqual({ problem: null, starts, stops });
  if (result.problem !== null) return;
  // toEqual treats 0 and -0 alike; the contract is bit identity.
  result.starts.forEach((v, k) => expect(Object.is(v, starts[k])).toBe(true));
  result.stops.forEach((v, k) => expect(Object.is(v, stops[k])).toBe(true));
}

function expectProblem(text: string, problem: string): void {
  expect(scan(text)).toEqual({ problem });
}

// ---- the reference: JSON.parse plus the structure rules of SEMANTICS "Bad input" ----

type Reference = { ok: true; starts: number[]; stops: number[] } | { ok: false; notJson: boolean; problem: string };

function kindName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function reference(text: string): Reference {
  const starts: number[] = [];
  const stops: number[] = [];
  if (text === '') return { ok: true, starts, stops };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, notJson: true, problem: 'not JSON' };
  }
  const fail = (problem: string): Reference => ({ ok: false, notJson: false, problem });
  if (!Array.isArray(value)) return fail(`top level is ${kindName(value)}, expected an array`);
  for (const [index, element] of value.entries()) {
    if (kindName(element) !== 'an object') return fail(`element ${index} is ${kindName(element)}, expected an object`);
    const period = element as Record<string, unknown>;
    for (const key of ['start', 'stop']) {
      if (!Object.hasOwn(period, key)) return fail(`period ${index}: "${key}" is missing`);
      const kind = kindName(period[key]);
      if (kind !== 'a number') return fail(`period ${index}: "${key}" is ${kind}, expected a number`);
    }
    const { start, stop } = period as { start: number; stop: number };
    if (!Number.isFinite(start)) return fail(`period ${index}: start is not finite`);
    if (!Number.isFinite(stop)) return fail(`period ${index}: stop is not finite`);
    if (stop < start) return fail(`period ${index}: stop < start`);
    starts.push(start);
    stops.push(stop);
  }
  return { ok: true, starts, stops };
}

function expectAgreesWithReference(text: string, out: PeriodBuffer): void {
  const ref = reference(text);
  const result = scan(text, out);
  if (ref.ok) {
    expect(result.problem).toBeNull();
    if (result.problem !== null) return;
    expect(result.starts.length).toBe(ref.starts.length);
    result.starts.forEach((v, k) => expect(Object.is(v, ref.starts[k]), `start ${k}: ${v} vs ${ref.starts[k]}`).toBe(true));
    result.stops.forEach((v, k) => expect(Object.is(v, ref.stops[k]), `stop ${k}: ${v} vs ${ref.stops[k]}`).toBe(true));
  } else if (ref.notJson) {
    expect(result.problem).toMatch(/^not JSON: .+ at offset \d+$/);
  } else {
    expect(result.problem).toBe(ref.problem);
  }
}

// ---- generators: period arrays written with random whitespace, key order, numbers and extra keys ----

/** Any text of the JSON number grammar, including ones that overflow to Infinity. */
const numberText = fc.oneof(
  fc.stringMatching(/^-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?$/),
  // MJD-like values as the generator writes them, mostly on the fast path.
  fc
    .tuple(fc.integer({ min: 60000, max: 61000 }), fc.stringMatching(/^[0-9]{1,12}$/))
    .map(([day, fraction]) => `${day}.${fraction}`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).chain((x) =>
    fc.constantFrom(
      JSON.stringify(x),
      x.toExponential(),
      x.toExponential(3).toUpperCase(),
      x.toExponential().replace('e+', 'e'),
      Math.abs(x) < 1e21 ? x.toFixed(10) : JSON.stringify(x),
    ),
  ),
  fc.constantFrom('-0', '-0.0', '-0e0', '0', '5e-324', '1.7976931348623157e308', '0.1'),
  // Around the fast path's limits: 15 digits, 16 digits, above 2^53.
  fc.constantFrom('123456789012345', '1234567890123456', '9007199254740993', '0.000000000000001', '99999.9999999999'),
);

const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 });

/** A JSON string as text: plain, or with every UTF-16 unit escaped (`\\/` for the solidus, else \\uXXXX). */
function stringText(s: string, escapeAll: boolean): string {
  if (!escapeAll) return JSON.stringify(s);
  const escape = (k: number) => (s[k] === '/' ? '\\/' : `\\u${s.charCodeAt(k).toString(16).padStart(4, '0')}`);
  return `"${Array.from({ length: s.length }, (_, k) => escape(k)).join('')}"`;
}

/** Text written verbatim: a number in a chosen notation, or a key spelled with escapes. */
class Raw {
  constructor(readonly text: string) {}
}

/** An object as an entry list, so keys can repeat; a Raw key is written verbatim. */
class Entries {
  constructor(readonly entries: [string | Raw, unknown][]) {}
}

/** Writes a JSON value, taking the whitespace before and after each token from `ws` in turn. */
function writeJson(value: unknown, ws: string[], escapeAll: boolean): string {
  let k = 0;
  const pad = (token: string) => `${ws[k++ % ws.length]}${token}${ws[k++ % ws.length]}`;
  const key = (name: string | Raw) => pad(name instanceof Raw ? name.text : stringText(name, escapeAll));
  const write = (v: unknown): string => {
    if (v instanceof Raw) return pad(v.text);
    if (Array.isArray(v)) return pad('[') + v.map(write).join(pad(',')) + pad(']');
    if (v !== null && typeof v === 'object') {
      const entries = v instanceof Entries ? v.entries : Object.entries(v);
      return pad('{') + entries.map(([name, item]) => key(name) + pad(':') + write(item)).join(pad(',')) + pad('}');
    }
    return pad(typeof v === 'string' ? stringText(v, escapeAll) : JSON.stringify(v));
  };
  return write(value);
}

const extraKey = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('Start', 'stop ', 'starts', 'st', '"stop"', 'start\u0000'),
);
const duplicateKey = fc.constantFrom<string | Raw>('start', 'stop', new Raw('"st\\u0061rt"'), new Raw('"sto\\u0070"'));

/** One period object: start, stop, extra keys and sometimes a duplicate, in random order. */
const periodObject = (maxExtras: number) =>
  fc
    .tuple(
      numberText,
      numberText,
      fc.array(fc.tuple(extraKey, fc.jsonValue({ maxDepth: 3 })), { maxLength: maxExtras }),
      fc.array(fc.tuple(duplicateKey, numberText), { maxLength: 1 }),
    )
    .chain(([a, b, extras, duplicates]) => {
      // Mostly ordered pairs, so most generated arrays are valid.
      const [start, stop] = Number(a) <= Number(b) ? [a, b] : [b, a];
      const entries: [string | Raw, unknown][] = [
        ['start', new Raw(start)],
        ['stop', new Raw(stop)],
        ...extras,
        ...duplicates.map(([name, n]): [string | Raw, unknown] => [name, new Raw(n)]),
      ];
      return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
    })
    .map((entries) => new Entries(entries));

/** A visibility JSON text with random whitespace around every token and, sometimes, every string escaped. */
const periodsText = (maxPeriods: number, maxExtras: number) =>
  fc
    .tuple(
      fc.array(periodObject(maxExtras), { maxLength: maxPeriods, size: 'max' }),
      fc.array(whitespace, { minLength: 1, maxLength: 20 }),
      fc.boolean(),
    )
    .map(([periods, ws, escapeAll]) => writeJson(periods, ws, escapeAll));

// ---- hand cases ----

describe('scanVisibilityPeriods: valid input', () => {
  it('reads the empty string, [] and whitespace-wrapped [] as no periods', () => {
    expectPeriods('', [], []);
    expectPeriods('[]', [], []);
    expectPeriods(' \t\n\r[ \t\n\r] \r\n', [], []);
  });

  it('reads the generator format', () => {
    expectPeriods(
      '[{"start":60676.1234567891,"stop":60676.2345678912},{"start":60677.12,"stop":60677.5}]',
      [60676.1234567891, 60677.12],
      [60676.2345678912, 60677.5],
    );
  });

  it('accepts whitespace between every token and any key order', () => {
    expectPeriods('\t[\n{ "start" :\r1 , "stop"\t: 2 }\n,{"stop":4,"start":3}\r]\r\n', [1, 3], [2, 4]);
  });

  it('skips extra keys whatever they hold, including strings that mention "stop" and escaped quotes', () => {
    const text =
      '[{"note":"has \\"stop\\": 5 and \\\\\\"","start":1,"x":{"stop":[1,{"start":"no"}]},' +
      '"stop":2,"y":[true,false,null,-1.5e3,"}]",{}],"z":{},"\\u00e9\\n\\/":"\\ud800\\b\\f\\r\\t"}]';
    expectPeriods(text, [1], [2]);
  });

  it('reads exponents, negatives and negative zero bit-identically', () => {
    expectPeriods('[{"start":1E-3,"stop":6.0676e4},{"start":-2.5e+2,"stop":-0}]', [0.001, -250], [60676, -0]);
    expectPeriods('[{"start":-0,"stop":0},{"start":-0.0,"stop":-0e5}]', [-0, -0], [0, -0]);
    expectPeriods('[{"start":-60676.5,"stop":5e-324}]', [-60676.5], [5e-324]);
  });

  it('falls back to the exact conversion beyond 15 significant digits', () => {
    // 2^53 + 1 rounds to 2^53; 0.1 + 17 digits needs correct rounding, not m / 10^k.
    expectPeriods('[{"start":9007199254740993,"stop":9007199254740993.5}]', [9007199254740992], [9007199254740994]);
    expectPeriods('[{"start":60676.12345678912345,"stop":60676.123456789123456789}]', [60676.12345678912], [60676.12345678912]);
  });

  it('keeps a zero-length period', () => {
    expectPeriods('[{"start":5,"stop":5}]', [5], [5]);
  });

  it('lets the last of duplicate keys win, as JSON.parse', () => {
    expectPeriods('[{"start":5,"stop":9,"start":1}]', [1], [9]);
    expectPeriods('[{"start":"x","start":2,"stop":3}]', [2], [3]);
    expectProblem('[{"start":1,"stop":2,"stop":"x"}]', 'period 0: "stop" is a string, expected a number');
  });

  it('decodes escaped keys that spell start or stop', () => {
    expectPeriods('[{"st\\u0061rt":1,"stop":2}]', [1], [2]);
    expectProblem('[{"start":1,"stop":2,"sto\\u0070":0}]', 'period 0: stop < start');
  });

  it('validates 100,000-deep nesting in an extra key without recursion', () => {
    const deepArray = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expectPeriods(`[{"start":1,"deep":${deepArray},"stop":2,"obj":${deepObject}}]`, [1], [2]);
    // One opener short: the last closer lands where the period expects "," or "}".
    expectProblem(`[{"start":1,"deep":${deepArray.slice(1)},"stop":2}]`, 'not JSON: unexpected "]" at offset 200017');
    expectProblem(`[{"start":1,"stop":2,"deep":${deepObject.slice(0, -1)}}]`, 'not JSON: unexpected "]" at offset 600029');
  });

  it('reads a 50 MB value with a million periods', () => {
    // k / 7 has 17 significant digits: each value is ~18 chars and takes the exact-conversion path.
    const periods = Array.from({ length: 1_000_000 }, (_, k) => ({ start: 60676 + k / 7, stop: 60676.5 + k / 7 }));
    const text = JSON.stringify(periods);
    expect(text.length).toBeGreaterThan(50_000_000);
    const out = new PeriodBuffer(4);
    expect(scanVisibilityPeriods(text, out)).toBeNull();
    expect(out.length).toBe(1_000_000);
    expect(out.starts[999_999]).toBe(60676 + 999_999 / 7);
    expect(out.stops[123_456]).toBe(60676.5 + 123_456 / 7);
  });

  it('clears the buffer before scanning', () => {
    const out = new PeriodBuffer(4);
    scanVisibilityPeriods('[{"start":1,"stop":2},{"start":3,"stop":4}]', out);
    expect(scanVisibilityPeriods('[{"start":7,"stop":8}]', out)).toBeNull();
    expect([out.length, out.starts[0], out.stops[0]]).toEqual([1, 7, 8]);
    expect(scanVisibilityPeriods('[]', out)).toBeNull();
    expect(out.length).toBe(0);
  });
});

describe('scanVisibilityPeriods: text JSON.parse rejects', () => {
  it.each([
    ['[', 'unexpected end at offset 1'],
    [' ', 'unexpected end at offset 1'],
    ['\uFEFF[]', 'unexpected U+FEFF at offset 0'],
    ['[{"start":1,"stop":2},]', 'unexpected "]" at offset 22'],
    ['[{"start":1,"stop":2,}]', 'unexpected "}" at offset 21'],
    ['[{"start":1 "stop":2}]', 'unexpected "\\"" at offset 12'],
    ['[{start:1}]', 'unexpected "s" at offset 2'],
    ['[{"start"=1}]', 'unexpected "=" at offset 9'],
    ['[] x', 'unexpected "x" at offset 3'],
    ['[]]', 'unexpected "]" at offset 2'],
    ['[/*c*/]', 'unexpected "/" at offset 1'],
    ['[\u00a0]', 'unexpected U+00A0 at offset 1'],
    ['[{"start":01,"stop":2}]', 'unexpected "1" at offset 11'],
    ['[{"start":+1,"stop":2}]', 'unexpected "+" at offset 10'],
    ['[{"start":.5,"stop":2}]', 'unexpected "." at offset 10'],
    ['[{"start":5.,"stop":6}]', 'unexpected "," at offset 12'],
    ['[{"start":1.e3,"stop":6}]', 'unexpected "e" at offset 12'],
    ['[{"start":1e,"stop":6}]', 'unexpected "," at offset 12'],
    ['[{"start":1e+,"stop":6}]', 'unexpected "," at offset 13'],
    ['[{"start":-,"stop":6}]', 'unexpected "," at offset 11'],
    ['[{"start":NaN,"stop":6}]', 'unexpected "N" at offset 10'],
    ['[{"start":-Infinity,"stop":6}]', 'unexpected "I" at offset 11'],
    ['[{"start":1,"stop":2,"x":tru}]', 'unexpected "}" at offset 28'],
    ['[{"start":1,"stop":2,"x":nul}]', 'unexpected "}" at offset 28'],
    ['[{"start":1,"stop":2,"x":"a\u0001"}]', 'control character U+0001 in string at offset 27'],
    ['[{"start":1,"stop":2,"x":"a\\x"}]', 'bad escape at offset 28'],
    ['[{"start":1,"stop":2,"x":"\\u12G4"}]', 'bad \\u escape at offset 30'],
    ['[{"start":1,"stop":2,"x":"abc}]', 'unexpected end at offset 31'],
    ['[{"start":1,"stop":2,"x":[1,]}]', 'unexpected "]" at offset 28'],
    ['[{"start":1,"stop":2,"x":{"a" 1}}]', 'unexpected "1" at offset 30'],
    ['[{"start":1,"stop":2,"x":[1}]', 'unexpected "}" at offset 27'],
    ["[{'start':1}]", 'unexpected "\'" at offset 2'],
  ])('%j → not JSON: %s', (text, what) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expectProblem(text, `not JSON: ${what}`);
  });

  it('reports "not JSON" before any structural problem earlier in the text', () => {
    expectProblem('[{"stop":1},', 'not JSON: unexpected end at offset 12');
    expectProblem('{"start":1,"stop":2', 'not JSON: unexpected end at offset 19');
    expectProblem('[1e400, x]', 'not JSON: unexpected "x" at offset 8');
    expectProblem('[{"start":2,"stop":1}]]', 'not JSON: unexpected "]" at offset 22');
  });
});

describe('scanVisibilityPeriods: JSON of the wrong shape', () => {
  it.each([
    ['{"start":1,"stop":2}', 'top level is an object, expected an array'],
    ['"[]"', 'top level is a string, expected an array'],
    [' 5 ', 'top level is a number, expected an array'],
    ['null', 'top level is null, expected an array'],
    ['true', 'top level is a boolean, expected an array'],
    ['[{"start":1,"stop":2},[]]', 'element 1 is an array, expected an object'],
    ['[null]', 'element 0 is null, expected an object'],
    ['[{"start":1,"stop":2},{"start":1,"stop":2},"x"]', 'element 2 is a string, expected an object'],
    ['[{"start":1,"stop":2},{"start":1,"stop":2},{"start":1,"stop":2},{"start":1,"stop":2},-4]', 'element 4 is a number, expected an object'],
    ['[false]', 'element 0 is a boolean, expected an object'],
    ['[{}]', 'period 0: "start" is missing'],
    ['[{"start":1,"stop":2},{"start":1}]', 'period 1: "stop" is missing'],
    ['[{"Start":1,"stop":2}]', 'period 0: "start" is missing'],
    ['[{"start":1,"stop":2},{"start":1,"stop":2},{"start":"60676","stop":2}]', 'period 2: "start" is a string, expected a number'],
    ['[{"start":{},"stop":2}]', 'period 0: "start" is an object, expected a number'],
    ['[{"start":[1],"stop":2}]', 'period 0: "start" is an array, expected a number'],
    ['[{"start":true,"stop":2}]', 'period 0: "start" is a boolean, expected a number'],
    ['[{"start":1,"stop":null}]', 'period 0: "stop" is null, expected a number'],
    ['[{"start":1,"stop":2},{"start":1,"stop":2},{"start":1,"stop":2},{"start":1e400,"stop":2}]', 'period 3: start is not finite'],
    ['[{"start":-1e400,"stop":2}]', 'period 0: start is not finite'],
    ['[{"start":1,"stop":1e999}]', 'period 0: stop is not finite'],
    ['[{"start":1,"stop":2},{"start":1,"stop":2},{"start":1,"stop":2},{"start":5,"stop":4.999}]', 'period 3: stop < start'],
    ['[{"start":-0,"stop":-1e-300}]', 'period 0: stop < start'],
    ['[{"start":2,"stop":1},5]', 'period 0: stop < start'],
  ])('%j → %s', (text, problem) => {
    expectProblem(text, problem);
  });
});

// ---- properties ----

describe('scanVisibilityPeriods: properties', () => {
  const out = new PeriodBuffer(2);

  it('agrees bit for bit with JSON.parse on generated period arrays', () => {
    fc.assert(
      fc.property(periodsText(6, 3), (text) => expectAgreesWithReference(text, out)),
      { numRuns: 2000 },
    );
  });

  it('agrees with JSON.parse on arbitrary JSON values written with random whitespace and escapes', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.array(whitespace, { minLength: 1, maxLength: 9 }),
        fc.boolean(),
        (value, ws, escapeAll) => {
          expectAgreesWithReference(writeJson(value, ws, escapeAll), out);
          expectAgreesWithReference(writeJson([value], ws, escapeAll), out);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly what the reference accepts after random edits', () => {
    const jsonish = fc.constantFrom(...'[]{}:,"\\ \t\n\r-+.eE0123456789tfnulsarop/\u0000\u001f\u00a0\ufeff\ud800'.split(''));
    const edit = fc.record({
      op: fc.constantFrom('insert', 'delete', 'replace'),
      at: fc.nat(),
      ch: fc.oneof(
        { arbitrary: jsonish, weight: 4 },
        { arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }), weight: 1 },
      ),
    });
    fc.assert(
      // Short texts, so that edits often land on a number, a key or a delimiter.
      fc.property(periodsText(2, 1), fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) => {
        let mutated = text;
        for (const { op, at, ch } of edits) {
          const k = at % (mutated.length + (op === 'insert' ? 1 : 0) || 1);
          const rest = op === 'insert' ? mutated.slice(k) : mutated.slice(k + 1);
          mutated = mutated.slice(0, k) + (op === 'delete' ? '' : ch) + rest;
        }
        expectAgreesWithReference(mutated, out);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the same numbers as stream-json on generated period arrays', () => {
    // stream-json's parser is flushed by calling it with `none`; its declared type only admits text.
    const endOfInput = none as unknown as string;
    const parseWithStreamJson = (text: string): unknown => {
      const parse = jsonParser();
      const assembler = new Assembler();
      for (const result of [parse(text), parse(endOfInput)]) {
        if (typeof result !== 'symbol') for (const token of result.values) assembler.consume(token);
      }
      return assembler.current;
    };
    fc.assert(
      fc.property(periodsText(6, 3), (text) => {
        const ours = scan(text, out);
        fc.pre(ours.problem === null);
        if (ours.problem !== null) return;
        const periods = parseWithStreamJson(text) as { start: number; stop: number }[];
        expect(periods.length).toBe(ours.starts.length);
        periods.forEach(({ start, stop }, k) => {
          expect(Object.is(start, ours.starts[k])).toBe(true);
          expect(Object.is(stop, ours.stops[k])).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});
