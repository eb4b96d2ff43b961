import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceBlockRows } from '../../pipeline/block-row-writer.js';
import { DocumentError, documentBlockJson, documentBlockToRows, documentHead, documentHeader, periodsJson, type DocumentBlock } from '../../pipeline/schedule-document.js';

/** A block as a document carries it, exercising every kind of field. */
function sampleBlock(): Record<string, unknown> {
  const block: DocumentBlock = {
    block_index: 3,
    original_block_id: ' OB-17 ',
    target: { name: 'M31 “Andromeda”', ra_deg: 10.6847, dec_deg: 41.2687, ra_pm_masyr: 0.5, dec_pm_masyr: -1.25, equinox: 2000 },
    constraints: { start_time_mjd: 60676, stop_time_mjd: null, altitude: { min_alt_deg: 20, max_alt_deg: null }, azimuth: null },
    priority: 7.5,
    min_observation_sec: 600,
    requested_duration_sec: 3600,
    scheduled: { start_mjd: 60677.1, stop_mjd: 60677.2 },
    visibility_periods: [{ start: 60677, stop: 60677.25 }, { stop: 60678.5, start: 60678 }],
  };
  return { ...block };
}

const SAMPLE_ROWS: SourceBlockRows = {
  target: { name: 'M31 “Andromeda”', ra_deg: 10.6847, dec_deg: 41.2687, ra_pm_masyr: 0.5, dec_pm_masyr: -1.25, equinox: 2000 },
  constraintWindow: { start_time_mjd: 60676, stop_time_mjd: null },
  altitude: { min_alt_deg: 20, max_alt_deg: null },
  azimuth: null,
  original_block_id: ' OB-17 ',
  priority: 7.5,
  min_observation_sec: 600,
  requested_duration_sec: 3600,
  visibility_periods_json: '[{"start":60677,"stop":60677.25},{"stop":60678.5,"start":60678}]',
  scheduled_start_mjd: 60677.1,
  scheduled_stop_mjd: 60677.2,
};

/** Sets the value at `path` of a copy of the sample block (undefined deletes it). */
function withField(path: string[], value: unknown): Record<string, unknown> {
  const block = structuredClone(sampleBlock());
  let o = block as Record<string, unknown>;
  for (const key of path.slice(0, -1)) o = o[key] as Record<string, unknown>;
  if (value === undefined) delete o[path[path.length - 1]];
  else o[path[path.length - 1]] = value;
  return block;
}

function errorOf(fn: () => unknown): DocumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentError);
    return error as DocumentError;
  }
  throw new Error('expected a DocumentError');
}

describe('documentBlockToRows', () => {
  it('converts every field of a block to its source rows', () => {
    expect(documentBlockToRows(sampleBlock(), 3)).toEqual(SAMPLE_ROWS);
  });

  it('maps null constraints and scheduled to no constraints row and an unscheduled block, and keeps periods text verbatim', () => {
    const block: Record<string, unknown> = { ...sampleBlock(), constraints: null, scheduled: null, visibility_periods: '' };
    delete block.block_index;
    expect(documentBlockToRows(block, 0)).toEqual({
      ...SAMPLE_ROWS,
      constraintWindow: null,
      altitude: null,
      azimuth: null,
      scheduled_start_mjd: null,
      scheduled_stop_mjd: null,
      visibility_periods_json: '',
    });
    expect(documentBlockToRows({ ...block, visibility_periods: null }, 0).visibility_periods_json).toBeNull();
    expect(documentBlockToRows({ ...block, visibility_periods: 'not json' }, 0).visibility_periods_json).toBe('not json');
  });

  it.each([
    [['target', 'ra_deg'], 'abc', 'blocks[3].target.ra_deg: expected a finite number, got "abc"'],
    [['target', 'ra_deg'], Infinity, 'blocks[3].target.ra_deg: expected a finite number, got Infinity'],
    [['target', 'name'], 5, 'blocks[3].target.name: expected a string, got 5'],
    [['priority'], undefined, 'blocks[3].priority: expected a finite number, got nothing (the field is missing)'],
    [['block_index'], 4, "blocks[3].block_index: expected 3 (the block's position in blocks), got 4"],
    [['min_observation_sec'], 600.5, 'blocks[3].min_observation_sec: expected a whole number of seconds (an integer >= 0), got 600.5'],
    [['requested_duration_sec'], -1, 'blocks[3].requested_duration_sec: expected a whole number of seconds (an integer >= 0), got -1'],
    [['visibility_periods'], 5, 'blocks[3].visibility_periods: expected an array of {"start","stop"} periods, null or a string, got 5'],
    [['constraints'], [], 'blocks[3].constraints: expected an object, got []'],
    [['constraints', 'altitude', 'min_alt_deg'], 'x', 'blocks[3].constraints.altitude.min_alt_deg: expected a finite number or null, got "x"'],
    [['scheduled', 'stop_mjd'], undefined, 'blocks[3].scheduled.stop_mjd: expected a finite number or null, got nothing (the field is missing)'],
    [['original_block_id'], 17, 'blocks[3].original_block_id: expected a string or null, got 17'],
    [['original_block_id'], 'x'.repeat(257), 'blocks[3].original_block_id: 257 characters, at most 256 are allowed (shorten the id)'],
    [['target', 'epoch'], 2000, 'blocks[3].target: unknown field "epoch" (fields: name, ra_deg, dec_deg, ra_pm_masyr, dec_pm_masyr, equinox)'],
  ])('names the block and the field: %s = %s', (path, value, message) => {
    expect(errorOf(() => documentBlockToRows(withField(path, value), 3)).message).toBe(message);
  });

  it('takes an absent or null original_block_id as none, and keeps one of 256 characters as it is', () => {
    expect(documentBlockToRows(withField(['original_block_id'], undefined), 3).original_block_id).toBeNull();
    expect(documentBlockToRows(withField(['original_block_id'], null), 3).original_block_id).toBeNull();
    expect(documentBlockToRows(withField(['original_block_id'], 'é'.repeat(256)), 3).original_block_id).toBe('é'.repeat(256));
  });

  it('rejects a block that is not an object, and shortens long bad values', () => {
    expect(errorOf(() => documentBlockToRows(null, 12)).message).toBe('blocks[12]: expected an object, got null');
    expect(errorOf(() => documentBlockToRows(withField(['priority'], 'x'.repeat(100)), 3)).message).toBe(`blocks[3].priority: expected a finite number, got "${'x'.repeat(56)}…`);
  });

  it('names the path of any numeric field replaced by a string', () => {
    const numericPaths = [
      ['target', 'ra_deg'], ['target', 'dec_deg'], ['target', 'ra_pm_masyr'], ['target', 'dec_pm_masyr'], ['target', 'equinox'],
      ['constraints', 'start_time_mjd'], ['constraints', 'stop_time_mjd'], ['constraints', 'altitude', 'min_alt_deg'], ['constraints', 'altitude', 'max_alt_deg'],
      ['priority'], ['min_observation_sec'], ['requested_duration_sec'], ['scheduled', 'start_mjd'], ['scheduled', 'stop_mjd'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...numericPaths), fc.nat(100_000), fc.string(), (path, index, bad) => {
        const block = withField(path, bad);
        block.block_index = index;
        const { message } = errorOf(() => documentBlockToRows(block, index));
        expect(message.startsWith(`blocks[${index}].${path.join('.')}: expected `)).toBe(true);
        expect(message).toContain(`got ${JSON.stringify(bad).slice(0, 57)}`);
      }),
    );
  });
});

describe('documentHeader', () => {
  it('returns the schedules row of the header fields', () => {
    expect(documentHeader({ schedule_name: 'S', dark_periods: [{ start: 1, stop: 2 }] })).toEqual({ schedule_name: 'S', dark_periods_json: '[{"start":1,"stop":2}]' });
    expect(documentHeader({ schedule_name: 'S', dark_periods: null })).toEqual({ schedule_name: 'S', dark_periods_json: null });
  });

  it('says when a field is missing before blocks or has the wrong type', () => {
    expect(errorOf(() => documentHeader({ dark_periods: null })).message).toBe('schedule_name: missing before "blocks" (schedule_name and dark_periods must come before blocks in the file)');
    expect(errorOf(() => documentHeader({ schedule_name: 'S' })).message).toBe('dark_periods: missing before "blocks" (schedule_name and dark_periods must come before blocks in the file)');
    expect(errorOf(() => documentHeader({ schedule_name: '', dark_periods: null })).message).toBe('schedule_name: expected a non-empty string, got ""');
    expect(errorOf(() => documentHeader({ schedule_name: 'S', dark_periods: {} })).message).toBe('dark_periods: expected an array of {"start","stop"} periods, null or a string, got {}');
  });
});

describe('writing a document', () => {
  it('writes valid period arrays verbatim and any other stored text as a JSON string', () => {
    expect(periodsJson(null)).toBe('null');
    expect(periodsJson('[{"start":1,"stop":2}]')).toBe('[{"start":1,"stop":2}]');
    expect(periodsJson('[ {"stop": 2, "start": 1} ]')).toBe('[ {"stop": 2, "start": 1} ]');
    expect(periodsJson('[]')).toBe('[]');
    expect(periodsJson('')).toBe('""');
    expect(periodsJson('not json')).toBe('"not json"');
    // Valid JSON but bad periods (stop < start): a string, so the document stays importable and the text survives.
    expect(periodsJson('[{"start":2,"stop":1}]')).toBe('"[{\\"start\\":2,\\"stop\\":1}]"');
  });

  it('writes the head with the name first and a block in the documented key order', () => {
    expect(documentHead('a "b"', null)).toBe('{"schedule_name":"a \\"b\\"","dark_periods":null,"blocks":[');
    expect(documentBlockJson(SAMPLE_ROWS, 3)).toBe(
      '{"block_index":3,"original_block_id":" OB-17 ","target":{"name":"M31 “Andromeda”","ra_deg":10.6847,"dec_deg":41.2687,"ra_pm_masyr":0.5,"dec_pm_masyr":-1.25,"equinox":2000},' +
        '"constraints":{"start_time_mjd":60676,"stop_time_mjd":null,"altitude":{"min_alt_deg":20,"max_alt_deg":null},"azimuth":null},' +
        '"priority":7.5,"min_observation_sec":600,"requested_duration_sec":3600,"scheduled":{"start_mjd":60677.1,"stop_mjd":60677.2},' +
        '"visibility_periods":[{"start":60677,"stop":60677.25},{"stop":60678.5,"start":60678}]}',
    );
  });

  it('refuses a number JSON cannot carry', () => {
    expect(() => documentBlockJson({ ...SAMPLE_ROWS, priority: Infinity }, 0)).toThrow('blocks[0]: Infinity cannot be written to JSON');
  });
});

/** SEMANTICS "Bad input", independently of the scanner: a JSON array of objects with finite numeric start <= stop. */
function isValidPeriodArray(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p) && Number.isFinite(p.start) && Number.isFinite(p.stop) && p.stop >= p.start);
  } catch {
    return false;
  }
}

describe('write then read', () => {
  // +0 turns -0 into 0: JSON has no negative zero.
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x + 0);
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
  const period = fc.record({ start: finite, stop: finite });
  const storedText = fc.oneof(
    fc.constant(null),
    fc.array(period, { maxLength: 5 }).map((ps) => JSON.stringify(ps)),
    fc.array(period, { minLength: 1, maxLength: 5 }).map((ps) => JSON.stringify(ps, null, 1)),
    fc.string(),
  );
  const rows: fc.Arbitrary<SourceBlockRows> = fc
    .record({
      target: fc.record({ name: fc.string({ unit: 'grapheme' }), ra_deg: finite, dec_deg: finite, ra_pm_masyr: finite, dec_pm_masyr: finite, equinox: finite }),
      constraintWindow: maybe(fc.record({ start_time_mjd: maybe(finite), stop_time_mjd: maybe(finite) })),
      altitude: maybe(fc.record({ min_alt_deg: maybe(finite), max_alt_deg: maybe(finite) })),
      azimuth: maybe(fc.record({ min_az_deg: maybe(finite), max_az_deg: maybe(finite) })),
      original_block_id: maybe(fc.string({ maxLength: 256 })),
      priority: finite,
      min_observation_sec: fc.nat(),
      requested_duration_sec: fc.nat(),
      visibility_periods_json: storedText,
      scheduled_start_mjd: maybe(finite),
      scheduled_stop_mjd: maybe(finite),
    })
    // Altitude and azimuth rows hang off the constraints row.
    .map((r) => (r.constraintWindow === null ? { ...r, altitude: null, azimuth: null } : r));

  it('gives back the same rows, with a valid period array stored as its JSON.stringify', () => {
    fc.assert(
      fc.property(rows, fc.nat(1_000_000), (r, index) => {
        const text = r.visibility_periods_json;
        const stored = text !== null && text !== '' && isValidPeriodArray(text) ? JSON.stringify(JSON.parse(text)) : text;
        expect(documentBlockToRows(JSON.parse(documentBlockJson(r, index)), index)).toEqual({ ...r, visibility_periods_json: stored });
      }),
    );
  });
});
