import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openScheduleDocument } from '../../pipeline/schedule-document-reader.js';
import { DocumentError } from '../../pipeline/schedule-document.js';

/** Yields `bytes` cut at the given positions (any order, duplicates and out-of-range ones ignored). */
async function* chunksOf(bytes: Uint8Array, cuts: number[] = []): AsyncGenerator<Uint8Array> {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    yield bytes.subarray(from, to);
    from = to;
  }
}

async function read(input: string | Uint8Array, cuts: number[] = []): Promise<{ header: Record<string, unknown>; blocks: { index: number; value: unknown }[] }> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const document = await openScheduleDocument(chunksOf(bytes, cuts));
  const blocks: { index: number; value: unknown }[] = [];
  for await (const { index, value } of document.blocks) blocks.push({ index, value });
  return { header: document.header, blocks };
}

async function errorOf(input: string | Uint8Array): Promise<string> {
  try {
    await read(input);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentError);
    return (error as Error).message;
  }
  throw new Error('expected a DocumentError');
}

describe('openScheduleDocument', () => {
  it('reads the header fields, then every block, whatever the chunking', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme' }),
        json,
        fc.array(json, { maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.nat(2000), { maxLength: 12 }),
        async (name, dark, blocks, pretty, cuts) => {
          // Cuts fall anywhere, including inside multi-byte characters.
          const text = JSON.stringify({ schedule_name: name, dark_periods: dark, blocks }, null, pretty ? 2 : undefined);
          const expected = JSON.parse(text) as { schedule_name: unknown; dark_periods: unknown; blocks: unknown[] };
          const got = await read(text, cuts);
          expect(got.header).toEqual({ schedule_name: expected.schedule_name, dark_periods: expected.dark_periods });
          expect(got.blocks).toEqual(expected.blocks.map((value, index) => ({ index, value })));
        },
      ),
    );
  });

  it('drops a leading byte-order mark', async () => {
    const got = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"schedule_name":"s","dark_periods":null,"blocks":[{"a":1}]}')]));
    expect(got).toEqual({ header: { schedule_name: 's', dark_periods: null }, blocks: [{ index: 0, value: { a: 1 } }] });
  });

  it.each([
    ['', 'the file holds no JSON document (is it empty?)'],
    [' \n ', 'the file holds no JSON document (is it empty?)'],
    ['[]', 'the document must be a JSON object {"schedule_name": …, "dark_periods": …, "blocks": […]}, got an array'],
    ['{"schedule_name":"s","dark_periods":null,"blocks":[],"extra":1}', 'unknown top-level field "extra" (fields: schedule_name, dark_periods, blocks)'],
    ['{"schedule_name":"s","schedule_name":"t","dark_periods":null,"blocks":[]}', 'schedule_name: appears twice'],
    ['{"schedule_name":"s","blocks":[],"dark_periods":null}', 'dark_periods: comes after "blocks" (schedule_name and dark_periods must come before blocks in the file)'],
    ['{"schedule_name":"s","dark_periods":null,"blocks":5}', 'blocks: expected an array, got 5'],
    ['{"schedule_name":"s","dark_periods":null}', 'blocks: missing (the document has no "blocks" array)'],
  ])('rejects %j', async (text, message) => {
    expect(await errorOf(text)).toBe(message);
  });

  it('says where a truncated file ends, and in which block', async () => {
    const text = '{"schedule_name":"s","dark_periods":null,"blocks":[\n{"a":1},\n{"a":[2,';
    expect(await errorOf(text)).toBe(`the file ends early at byte ${Buffer.byteLength(text)} (line 3, in blocks[1]): the document is incomplete (a truncated file?)`);
    expect(await errorOf('{"schedule_name":"s","dark_periods":[{"start":1')).toBe('the file ends early at byte 47 (line 1, in dark_periods): the document is incomplete (a truncated file?)');
  });

  it('places a syntax error within the 1 KB window that holds it, with the window\'s bytes and lines', async () => {
    // A document shorter than a window: the window is the whole of it.
    expect(await errorOf('{"schedule_name":"s",\n"dark_periods":null,\n"blocks":[1 2]}')).toBe("invalid JSON within bytes 0–58 (lines 1–3): Parser cannot parse input: expected ','");

    const lines = Array.from({ length: 100 }, (_, i) => `{"i":${i},"pad":"${'x'.repeat(50)}"}`);
    const head = '{"schedule_name":"s","dark_periods":null,"blocks":[\n';
    // The comma after block 60 is missing: the error is at the start of line 63 (block 61).
    const text = head + lines.slice(0, 61).join(',\n') + '\n' + lines.slice(61).join(',\n') + '\n]}';
    const errorAt = text.indexOf('{"i":61,');
    const match = /^invalid JSON within bytes ([\d,]+)–([\d,]+) \(lines (\d+)–(\d+), at or after blocks\[(\d+)\]\): Parser cannot parse input: expected ','$/.exec(await errorOf(text));
    expect(match).not.toBeNull();
    const [from, to, firstLine, lastLine, block] = match!.slice(1).map((s) => Number(s.replace(/,/g, '')));
    expect(from).toBeLessThanOrEqual(errorAt);
    expect(to).toBeGreaterThan(errorAt);
    expect(to - from).toBeLessThanOrEqual(1024);
    expect(firstLine).toBe(text.slice(0, from + 1).split('\n').length);
    expect(lastLine).toBe(text.slice(0, to).split('\n').length);
    expect(firstLine).toBeLessThanOrEqual(63);
    expect(lastLine).toBeGreaterThanOrEqual(63);
    expect(block).toBeLessThanOrEqual(61);
    expect(block).toBeGreaterThan(61 - 1024 / lines[0].length);
  });

  it('points at the first byte that is not UTF-8, and at a character cut off at the end', async () => {
    const bytes = Buffer.concat([Buffer.from('{"schedule_name":"é\n'), Buffer.from([0xff]), Buffer.from('","dark_periods":null,"blocks":[]}')]);
    expect(await errorOf(bytes)).toBe('the file is not UTF-8 text: invalid byte at offset 21 (line 2)');
    // Cut after the first of the two bytes of "é".
    expect(await errorOf(Buffer.from('{"schedule_name":"é').subarray(0, 19))).toBe('the file ends inside a UTF-8 character at byte 19 (a truncated file?)');
  });

  it('reads no further than the blocks pulled, and close() releases the input', async () => {
    let chunksRead = 0;
    let released = false;
    async function* input(): AsyncGenerator<Uint8Array> {
      try {
        yield Buffer.from('{"schedule_name":"s","dark_periods":null,"blocks":[');
        for (let i = 0; i < 1000; i++) {
          chunksRead++;
          yield Buffer.from(`${i === 0 ? '' : ','}{"i":${i}}`);
        }
        yield Buffer.from(']}');
      } finally {
        released = true;
      }
    }
    const document = await openScheduleDocument(input());
    for await (const { index } of document.blocks) if (index === 2) break;
    expect(chunksRead).toBeLessThanOrEqual(4);
    await document.close();
    expect(released).toBe(true);
  });
});
