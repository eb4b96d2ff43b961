import { endianness } from 'node:os';

/**
 * Blob format of `schedule_block_visibility_ranges`: a block's merged minute
 * ranges as little-endian Int32 pairs `[start, end)`, 8 bytes per range.
 * Encoding and decoding are plain typed-array copies and views, which match
 * that format only on a little-endian host, so other hosts are refused here.
 */
if (endianness() !== 'LE') {
  throw new Error('minute-range-codec needs a little-endian host');
}

const BYTES_PER_RANGE = 8;

/**
 * Copies the first `count` ranges (pairs of `ranges`) into a new Buffer; the
 * copy matters because BlockFacts reuses its `minuteRanges` for every block.
 */
export function encodeMinuteRanges(ranges: Int32Array, count: number): Buffer {
  const out = Buffer.alloc(count * BYTES_PER_RANGE);
  new Int32Array(out.buffer, out.byteOffset, count * 2).set(ranges.subarray(0, count * 2));
  return out;
}

/**
 * Reads a blob written by {@link encodeMinuteRanges}: `length / 2` ranges.
 * Returns a view sharing the blob's memory when its byteOffset is 4-aligned,
 * else a copy (an Int32Array view needs the alignment).
 * @throws RangeError when the length is not a whole number of ranges.
 */
export function decodeMinuteRanges(buf: Uint8Array): Int32Array {
  if (buf.byteLength % BYTES_PER_RANGE !== 0) {
    throw new RangeError(`minute range blob has ${buf.byteLength} bytes, not a multiple of ${BYTES_PER_RANGE}`);
  }
  if (buf.byteOffset % 4 === 0) return new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const aligned = new Uint8Array(buf.byteLength);
  aligned.set(buf);
  return new Int32Array(aligned.buffer);
}
