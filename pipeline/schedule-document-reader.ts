// stream-chain is stream-json's own dependency; its `none` symbol is the parser's end-of-input marker.
import { none } from 'stream-chain/defs.js';
import { Assembler } from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { DocumentError, isTopLevelKey } from './schedule-document.js';

/** One element of `blocks`: parsed JSON, not yet validated. */
export interface DocumentBlockEvent {
  index: number;
  value: unknown;
}

/** A document opened up to the `[` of `blocks`. */
export interface OpenScheduleDocument {
  /** The fields that came before `blocks`, unvalidated (see `documentHeader`). */
  header: Record<string, unknown>;
  /** The blocks in file order, read as they are pulled. */
  blocks: AsyncIterable<DocumentBlockEvent>;
  /** Stops reading and releases the input (idempotent; also fine after the end). */
  close(): Promise<void>;
}

type DocumentEvent = { kind: 'header'; fields: Record<string, unknown> } | ({ kind: 'block' } & DocumentBlockEvent);

/**
 * Text handed to the tokenizer per call. stream-json's errors carry no
 * position, so a syntax error is located to within one slice: 1 KB keeps
 * that window small and measured no slower than 64 KB slices.
 */
const SLICE_CHARS = 1024;
/** Before `blocks` begins, slices are small, so an error just after the header is not blamed on it. */
const HEADER_SLICE_CHARS = 64;

/** The parser flushes when called with `none`; its declared type only admits text. */
const END_OF_INPUT = none as unknown as string;

// Where the reader is in the document's one fixed shape.
const AT_START = 0;
const AT_KEY = 1;
const IN_HEADER_VALUE = 2;
const AT_BLOCKS = 3;
const IN_BLOCKS = 4;
const AT_END = 5;

/**
 * Reads a schedule document from raw bytes in bounded memory: stream-json's
 * tokenizer (packed values only) feeds a state machine for the document's
 * top level, and one stream-json Assembler builds the header values and then
 * one block at a time. Resolves once `blocks` begins (so the header fields
 * must come first); the blocks are then parsed as they are pulled, which
 * pulls the input. Nothing is validated beyond the top level
 * (`documentHeader` and `documentBlockToRows` do that).
 * @throws DocumentError (here or while pulling blocks) for bad JSON, with the
 *   byte offset and line of the 1 KB window it is in; for text that is not
 *   UTF-8; for a truncated file; and for a top level that is not the
 *   document's.
 */
export async function openScheduleDocument(chunks: AsyncIterable<Uint8Array>): Promise<OpenScheduleDocument> {
  const events = documentEvents(chunks);
  try {
    const first = await events.next();
    // The reader emits the header before any block, and ends only after `blocks` has begun.
    const header = (first.value as Extract<DocumentEvent, { kind: 'header' }>).fields;
    const blocks = (async function* () {
      for await (const event of events) yield event as DocumentBlockEvent;
    })();
    return {
      header,
      blocks,
      close: async () => {
        await blocks.return(undefined);
        await events.return(undefined);
      },
    };
  } catch (error) {
    await events.return(undefined);
    throw error;
  }
}

async function* documentEvents(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<DocumentEvent> {
  const reader = new DocumentTokenReader();
  const parse = jsonParser({ packValues: true, streamValues: false });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytesBefore = 0;
  let linesBefore = 0;
  // The tokens of a failing slice are lost, so a syntax error lies at or after the reader's position.
  const byteAt = (text: string, index: number) => bytesBefore + Buffer.byteLength(text.slice(0, index));
  const lineAt = (text: string, index: number) => linesBefore + countLines(text, index) + 1;
  const where = (text: string, end: number, exact: boolean) => `byte ${byteAt(text, end).toLocaleString('en-US')} (line ${lineAt(text, end)}${reader.context(exact)})`;
  // The slice that failed holds the error: its bytes, and the lines of its first and last characters.
  const within = (text: string, from: number, to: number) => {
    const [first, last] = [lineAt(text, from), lineAt(text, Math.max(from, to - 1))];
    const lines = first === last ? `line ${first}` : `lines ${first}–${last}`;
    return `bytes ${byteAt(text, from).toLocaleString('en-US')}–${byteAt(text, to).toLocaleString('en-US')} (${lines}${reader.context(false)})`;
  };
  const feed = (text: string, from: number, to: number, last: boolean) => {
    let result;
    try {
      result = parse(last ? END_OF_INPUT : text.slice(from, to));
    } catch (error) {
      const message = (error as Error).message;
      if (!last) throw new DocumentError(`invalid JSON within ${within(text, from, to)}: ${message}`, { cause: error });
      if (reader.atStart()) throw new DocumentError('the file holds no JSON document (is it empty?)', { cause: error });
      throw new DocumentError(`the file ends early at ${where(text, to, true)}: the document is incomplete (a truncated file?)`, { cause: error });
    }
    if (typeof result !== 'symbol') for (const token of result.values) reader.consume(token);
  };

  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch (error) {
      const valid = validUtf8Prefix(chunk);
      const lines = linesBefore + countLines(new TextDecoder().decode(chunk.subarray(0, valid)), Infinity);
      throw new DocumentError(`the file is not UTF-8 text: invalid byte at offset ${(bytesBefore + valid).toLocaleString('en-US')} (line ${lines + 1})`, { cause: error });
    }
    for (let from = 0, to = 0; from < text.length; from = to) {
      to = Math.min(text.length, from + (reader.inBlocks() ? SLICE_CHARS : HEADER_SLICE_CHARS));
      feed(text, from, to, false);
    }
    yield* reader.takeEvents();
    bytesBefore += chunk.byteLength;
    linesBefore += countLines(text, text.length);
  }
  try {
    decoder.decode();
  } catch (error) {
    throw new DocumentError(`the file ends inside a UTF-8 character at byte ${bytesBefore.toLocaleString('en-US')} (a truncated file?)`, { cause: error });
  }
  feed('', 0, 0, true);
  reader.finish();
  yield* reader.takeEvents();
}

/** Length of the longest prefix of `bytes` that is UTF-8 (possibly ending mid-character), by bisection: errors only. */
function validUtf8Prefix(bytes: Uint8Array): number {
  const decodes = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (decodes(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function countLines(text: string, end: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** The top-level state machine; collects events until the driver takes them. */
class DocumentTokenReader {
  #state = AT_START;
  readonly #asm = new Assembler();
  readonly #fields: Record<string, unknown> = {};
  readonly #seen = new Set<string>();
  #key = '';
  #blockIndex = 0;
  #events: DocumentEvent[] = [];

  consume(token: Token): void {
    const asm = this.#asm;
    switch (this.#state) {
      case IN_BLOCKS:
        // Between elements the assembler is done, so this `]` closes `blocks` itself.
        if (token.name === 'endArray' && asm.done) {
          this.#state = AT_KEY;
          return;
        }
        asm.consume(token);
        if (asm.done) this.#events.push({ kind: 'block', index: this.#blockIndex++, value: asm.current });
        return;
      case IN_HEADER_VALUE:
        asm.consume(token);
        if (asm.done) {
          this.#fields[this.#key] = asm.current;
          this.#state = AT_KEY;
        }
        return;
      case AT_KEY:
        if (token.name === 'endObject') {
          if (!this.#seen.has('blocks')) throw new DocumentError('blocks: missing (the document has no "blocks" array)');
          this.#state = AT_END;
        } else if (token.name === 'keyValue') {
          this.#key = token.value;
          this.#topLevelKey(token.value);
        }
        return;
      case AT_BLOCKS:
        if (token.name !== 'startArray') throw new DocumentError(`blocks: expected an array, got ${describeToken(token)}`);
        this.#state = IN_BLOCKS;
        return;
      case AT_START:
        if (token.name !== 'startObject') throw new DocumentError(`the document must be a JSON object {"schedule_name": …, "dark_periods": …, "blocks": […]}, got ${describeToken(token)}`);
        this.#state = AT_KEY;
        return;
    }
  }

  #topLevelKey(key: string): void {
    if (!isTopLevelKey(key)) throw new DocumentError(`unknown top-level field ${JSON.stringify(key)} (fields: schedule_name, dark_periods, blocks)`);
    if (this.#seen.has(key)) throw new DocumentError(`${key}: appears twice`);
    if (this.#seen.has('blocks')) throw new DocumentError(`${key}: comes after "blocks" (schedule_name and dark_periods must come before blocks in the file)`);
    this.#seen.add(key);
    if (key === 'blocks') {
      this.#events.push({ kind: 'header', fields: this.#fields });
      this.#state = AT_BLOCKS;
    } else {
      this.#state = IN_HEADER_VALUE;
    }
  }

  takeEvents(): DocumentEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  atStart(): boolean {
    return this.#state === AT_START;
  }

  inBlocks(): boolean {
    return this.#state === IN_BLOCKS;
  }

  /** Where the reader is, for an error message: ", in blocks[12]", or ", at or after blocks[12]" when not `exact`. */
  context(exact: boolean): string {
    const at = exact ? 'in' : 'at or after';
    if (this.#state === IN_BLOCKS) return `, ${at} blocks[${this.#blockIndex}]`;
    if (this.#state === IN_HEADER_VALUE) return `, ${at} ${this.#key}`;
    return '';
  }

  /** The parser has accepted the whole input: the top-level object must be closed. */
  finish(): void {
    if (this.#state === AT_START) throw new DocumentError('the file holds no JSON document (is it empty?)');
    if (this.#state !== AT_END) throw new DocumentError('the file ends before the document does (a truncated file?)');
  }
}

function describeToken(token: Token): string {
  switch (token.name) {
    case 'startArray':
      return 'an array';
    case 'startObject':
      return 'an object';
    case 'stringValue':
      return JSON.stringify(token.value);
    case 'numberValue':
      return token.value;
    default:
      return String((token as { value?: unknown }).value);
  }
}

