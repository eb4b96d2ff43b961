import type { PeriodBuffer } from './period-buffer.js';

/*
 * A single-pass charCodeAt scanner for `visibility_periods_json`
 * (`[{"start": MJD, "stop": MJD}, ...]`). It accepts exactly what JSON.parse
 * accepts and yields the same numbers, without building a string or an
 * object per period. Helpers return the position after what they consumed,
 * or -1 after storing the message in `failure`: one module-level error slot
 * instead of a result object per call keeps the hot path allocation-free
 * (the scanner is synchronous, so the slot cannot be shared).
 */

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_A = 0x41;
const UPPER_E = 0x45;
const UPPER_F = 0x46;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_A = 0x61;
const LOWER_B = 0x62;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_O = 0x6f;
const LOWER_P = 0x70;
const LOWER_R = 0x72;
const LOWER_S = 0x73;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Every power of ten up to 1e22 is exactly representable in a double. */
const POW10 = new Float64Array(23).map((_, k) => 10 ** k);
/** Clinger's fast path holds while the integer mantissa stays below 2^53; 15 digits always do. */
const FAST_PATH_DIGITS = 15;

// What a start/stop key held last: a number, or the JSON type that is not one.
const MISSING = 0;
const NUMBER = 1;
const STRING = 2;
const OBJECT = 3;
const ARRAY = 4;
const BOOLEAN = 5;
const NULL = 6;
const KIND_NAMES = ['missing', 'a number', 'a string', 'an object', 'an array', 'a boolean', 'null'];

// Which key `scanKey` just read.
const KEY_OTHER = 0;
const KEY_START = 1;
const KEY_STOP = 2;

let failure = '';
/** The value `scanNumber` read; a typed-array slot, as a double in a module `let` is boxed (one allocation per number). */
const numberValue = new Float64Array(1);
let keyRead = KEY_OTHER;
/** Whether the last `scanString` met a backslash. */
let stringHadEscape = false;
/** Container stack of `skipValue` (1 = object, 0 = array); doubles when nesting is deeper. */
let containers = new Uint8Array(64);

/**
 * Scans one block's visibility JSON into `out` (cleared first).
 *
 * The empty string is valid and has no periods (NULL is the caller's
 * business). Otherwise the text must be JSON that JSON.parse accepts, whose
 * top level is an array of objects, each with finite numeric `start` and
 * `stop` (`stop >= start`; the last of duplicate keys wins; other keys are
 * validated and ignored). Values are bit-identical to JSON.parse's.
 *
 * @returns null when the text is valid, else a short description of the
 *   first problem: "not JSON: ... at offset N" when JSON.parse would reject
 *   the text, otherwise the first structural problem in element order,
 *   e.g. `period 2: "start" is a string, expected a number`. On error `out`
 *   is left empty.
 */
export function scanVisibilityPeriods(text: string, out: PeriodBuffer): string | null {
  out.clear();
  if (text.length === 0) return null;
  if (scanArray(text, out) >= 0) return null;
  out.clear();
  return failure;
}

/** Scans the whole document; returns its length, or -1 with `failure` set. */
function scanArray(text: string, out: PeriodBuffer): number {
  let i = skipWhitespace(text, 0);
  let c = text.charCodeAt(i);
  if (c !== OPEN_BRACKET) {
    const kind = kindOf(c);
    if (kind === MISSING) return unexpected(text, i);
    return structural(text, `top level is ${KIND_NAMES[kind]}, expected an array`);
  }
  i = skipWhitespace(text, i + 1);
  if (text.charCodeAt(i) !== CLOSE_BRACKET) {
    for (let index = 0; ; index++) {
      c = text.charCodeAt(i);
      if (c !== OPEN_BRACE) {
        const kind = kindOf(c);
        if (kind === MISSING) return unexpected(text, i);
        return structural(text, `element ${index} is ${KIND_NAMES[kind]}, expected an object`);
      }
      i = scanPeriod(text, i + 1, index, out);
      if (i < 0) return -1;
      i = skipWhitespace(text, i);
      c = text.charCodeAt(i);
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA) return unexpected(text, i);
      i = skipWhitespace(text, i + 1);
    }
  }
  return expectEnd(text, i + 1);
}

/**
 * Scans one period object from just after its `{`; pushes it and returns the
 * position after its `}`. Start and stop live in locals until the object
 * closes, because a later duplicate key replaces an earlier one.
 */
function scanPeriod(text: string, i: number, index: number, out: PeriodBuffer): number {
  let startKind = MISSING;
  let stopKind = MISSING;
  let start = 0;
  let stop = 0;
  i = skipWhitespace(text, i);
  if (text.charCodeAt(i) === CLOSE_BRACE) {
    i++;
  } else {
    for (;;) {
      i = scanKey(text, i);
      if (i < 0) return -1;
      const key = keyRead;
      const c = text.charCodeAt(i);
      if (key === KEY_OTHER) {
        i = skipValue(text, i);
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        i = scanNumber(text, i, true);
        if (key === KEY_START) {
          start = numberValue[0];
          startKind = NUMBER;
        } else {
          stop = numberValue[0];
          stopKind = NUMBER;
        }
      } else {
        if (key === KEY_START) startKind = kindOf(c);
        else stopKind = kindOf(c);
        i = skipValue(text, i);
      }
      if (i < 0) return -1;
      i = skipWhitespace(text, i);
      const next = text.charCodeAt(i);
      if (next === CLOSE_BRACE) {
        i++;
        break;
      }
      if (next !== COMMA) return unexpected(text, i);
      i = skipWhitespace(text, i + 1);
    }
  }
  if (startKind !== NUMBER) return structural(text, kindProblem(index, 'start', startKind));
  if (stopKind !== NUMBER) return structural(text, kindProblem(index, 'stop', stopKind));
  if (!Number.isFinite(start)) return structural(text, `period ${index}: start is not finite`);
  if (!Number.isFinite(stop)) return structural(text, `period ${index}: stop is not finite`);
  if (stop < start) return structural(text, `period ${index}: stop < start`);
  out.push(start, stop);
  return i;
}

function kindProblem(index: number, key: string, kind: number): string {
  return kind === MISSING
    ? `period ${index}: "${key}" is missing`
    : `period ${index}: "${key}" is ${KIND_NAMES[kind]}, expected a number`;
}

/**
 * Reads `"key" :` and the whitespace after it, from the opening quote; sets
 * `keyRead` and returns the position of the value.
 */
function scanKey(text: string, i: number): number {
  if (text.charCodeAt(i) !== QUOTE) return unexpected(text, i);
  // The generator writes exactly "start" and "stop": match them without a full string scan.
  if (text.charCodeAt(i + 1) === LOWER_S && text.charCodeAt(i + 2) === LOWER_T) {
    const c = text.charCodeAt(i + 3);
    if (
      c === LOWER_A &&
      text.charCodeAt(i + 4) === LOWER_R &&
      text.charCodeAt(i + 5) === LOWER_T &&
      text.charCodeAt(i + 6) === QUOTE
    ) {
      keyRead = KEY_START;
      return afterColon(text, i + 7);
    }
    if (c === LOWER_O && text.charCodeAt(i + 4) === LOWER_P && text.charCodeAt(i + 5) === QUOTE) {
      keyRead = KEY_STOP;
      return afterColon(text, i + 6);
    }
  }
  const end = scanString(text, i + 1);
  if (end < 0) return -1;
  keyRead = KEY_OTHER;
  // Escapes may still spell "start" or "stop" (`"st\u0061rt"`); decoding is rare, so let JSON.parse do it.
  if (stringHadEscape) {
    const key: unknown = JSON.parse(text.slice(i, end));
    keyRead = key === 'start' ? KEY_START : key === 'stop' ? KEY_STOP : KEY_OTHER;
  }
  return afterColon(text, end);
}

function afterColon(text: string, i: number): number {
  i = skipWhitespace(text, i);
  if (text.charCodeAt(i) !== COLON) return unexpected(text, i);
  return skipWhitespace(text, i + 1);
}

/** The JSON type a value starting with char code `c` has, or MISSING when no value starts so. */
function kindOf(c: number): number {
  switch (c) {
    case QUOTE:
      return STRING;
    case OPEN_BRACE:
      return OBJECT;
    case OPEN_BRACKET:
      return ARRAY;
    case LOWER_T:
    case LOWER_F:
      return BOOLEAN;
    case LOWER_N:
      return NULL;
    default:
      return c === MINUS || (c >= ZERO && c <= NINE) ? NUMBER : MISSING;
  }
}

function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    // Most positions hold no whitespace: one compare settles them (NaN past the end fails all four).
    if (c > SPACE || (c !== SPACE && c !== LF && c !== CR && c !== TAB)) return i;
    i++;
  }
}

/**
 * Scans a JSON number from its first char. When `wantValue`, leaves its value
 * in `numberValue`, bit-identical to JSON.parse.
 */
function scanNumber(text: string, i: number, wantValue: boolean): number {
  let j = i;
  let c = text.charCodeAt(j);
  const negative = c === MINUS;
  if (negative) c = text.charCodeAt(++j);
  // Digit counts come from positions, keeping the digit loops to a multiply-add and a compare.
  const integerStart = j;
  let mantissa = 0;
  if (c === ZERO) {
    c = text.charCodeAt(++j);
  } else if (c > ZERO && c <= NINE) {
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      c = text.charCodeAt(++j);
    } while (c >= ZERO && c <= NINE);
  } else {
    return unexpected(text, j);
  }
  let digits = j - integerStart;
  let fractionDigits = 0;
  if (c === DOT) {
    const fractionStart = ++j;
    c = text.charCodeAt(j);
    if (!(c >= ZERO && c <= NINE)) return unexpected(text, j);
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      c = text.charCodeAt(++j);
    } while (c >= ZERO && c <= NINE);
    fractionDigits = j - fractionStart;
    digits += fractionDigits;
  }
  let exponent = false;
  if (c === LOWER_E || c === UPPER_E) {
    exponent = true;
    c = text.charCodeAt(++j);
    if (c === PLUS || c === MINUS) c = text.charCodeAt(++j);
    if (!(c >= ZERO && c <= NINE)) return unexpected(text, j);
    do c = text.charCodeAt(++j);
    while (c >= ZERO && c <= NINE);
  }
  if (wantValue) {
    if (!exponent && digits <= FAST_PATH_DIGITS) {
      // Clinger: an exact integer (< 2^53) divided by an exact power of ten is one
      // correctly rounded operation, so it equals JSON.parse's result; negating is exact.
      const magnitude = mantissa / POW10[fractionDigits];
      numberValue[0] = negative ? -magnitude : magnitude;
    } else {
      numberValue[0] = Number(text.slice(i, j));
    }
  }
  return j;
}

/** Scans a string body from just after its opening quote; returns the position after the closing quote. */
function scanString(text: string, i: number): number {
  stringHadEscape = false;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      stringHadEscape = true;
      const e = text.charCodeAt(i + 1);
      if (e === LOWER_U) {
        for (let k = i + 2; k < i + 6; k++) {
          if (!isHexDigit(text.charCodeAt(k))) return notJson(k, 'bad \\u escape');
        }
        i += 6;
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === SLASH ||
        e === LOWER_B ||
        e === LOWER_F ||
        e === LOWER_N ||
        e === LOWER_R ||
        e === LOWER_T
      ) {
        i += 2;
      } else {
        return notJson(i + 1, 'bad escape');
      }
    } else if (!(c >= SPACE)) {
      // NaN (past the end) also lands here.
      return c < SPACE ? notJson(i, `control character ${codePoint(c)} in string`) : unexpected(text, i);
    } else {
      i++;
    }
  }
}

function isHexDigit(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= UPPER_A && c <= UPPER_F) || (c >= LOWER_A && c <= LOWER_F);
}

function scanLiteral(text: string, i: number, literal: string): number {
  for (let k = 0; k < literal.length; k++) {
    if (text.charCodeAt(i + k) !== literal.charCodeAt(k)) return unexpected(text, i + k);
  }
  return i + literal.length;
}

/**
 * Validates and skips any JSON value starting at `i`. Nesting is tracked in
 * the `containers` byte stack, not the call stack, so nesting as deep as
 * JSON.parse accepts cannot overflow it.
 */
function skipValue(text: string, i: number): number {
  let depth = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    let close = false;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      i = skipWhitespace(text, i + 1);
      const isObject = c === OPEN_BRACE;
      if (text.charCodeAt(i) === (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        i++;
        close = true;
      } else {
        if (depth === containers.length) {
          const grown = new Uint8Array(depth * 2);
          grown.set(containers);
          containers = grown;
        }
        containers[depth++] = isObject ? 1 : 0;
        if (isObject) i = scanKey(text, i);
      }
    } else {
      close = true;
      if (c === QUOTE) i = scanString(text, i + 1);
      else if (c === MINUS || (c >= ZERO && c <= NINE)) i = scanNumber(text, i, false);
      else if (c === LOWER_T) i = scanLiteral(text, i, 'true');
      else if (c === LOWER_F) i = scanLiteral(text, i, 'false');
      else if (c === LOWER_N) i = scanLiteral(text, i, 'null');
      else i = unexpected(text, i);
    }
    if (i < 0) return -1;
    // After a complete value: close finished containers until one continues.
    while (close) {
      if (depth === 0) return i;
      i = skipWhitespace(text, i);
      const next = text.charCodeAt(i);
      const inObject = containers[depth - 1] === 1;
      if (next === COMMA) {
        i = skipWhitespace(text, i + 1);
        if (inObject) i = scanKey(text, i);
        if (i < 0) return -1;
        close = false;
      } else if (next === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        depth--;
        i++;
      } else {
        return unexpected(text, i);
      }
    }
  }
}

/** Only whitespace may follow the top-level value. */
function expectEnd(text: string, i: number): number {
  // Bounded, unlike skipWhitespace, so valid input never reads past the end: such a read
  // deoptimises the scanner and recompiles charCodeAt with an out-of-bounds path.
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return unexpected(text, i);
  }
  return i;
}

/**
 * A structural problem in text that parsed so far: JSON.parse-rejected text
 * reports "not JSON" whatever its shape, so check the whole text first (this
 * costs a second pass only on the error path).
 */
function structural(text: string, problem: string): number {
  const end = skipValue(text, skipWhitespace(text, 0));
  if (end >= 0 && expectEnd(text, end) >= 0) failure = problem;
  return -1;
}

function unexpected(text: string, i: number): number {
  if (i >= text.length) return notJson(i, 'unexpected end');
  const c = text.charCodeAt(i);
  // Invisible and non-ASCII chars (a BOM, a control char) are named by code point.
  return notJson(i, `unexpected ${c > SPACE && c < 0x7f ? JSON.stringify(text.charAt(i)) : codePoint(c)}`);
}

function codePoint(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

function notJson(i: number, what: string): number {
  failure = `not JSON: ${what} at offset ${i}`;
  return -1;
}
