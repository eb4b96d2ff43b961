/**
 * The schedule document that `tsi-etl import` reads and `tsi-etl export`
 * writes (docs/schedule-document.md): its types, the validating converter
 * from a parsed block to source rows, and the writer of one block's JSON.
 * Reading and writing live together so the two sides cannot drift apart.
 */
import { MAX_ORIGINAL_BLOCK_ID_LENGTH } from '../stages/core/block-key.js';
import { PeriodBuffer } from '../stages/core/period-buffer.js';
import { scanVisibilityPeriods } from '../stages/core/visibility-scanner.js';
import type { SourceBlockRows } from './block-row-writer.js';
import { TsiError } from '../base/errors.js';

/** `{"start": MJD, "stop": MJD}`, as in `visibility_periods_json`. */
export interface DocumentPeriod {
  start: number;
  stop: number;
}

/**
 * Periods as the document carries them: an array (stored as its
 * `JSON.stringify`), null (stored as NULL), or a string holding stored text
 * that is not a valid period array (the empty string, malformed legacy text),
 * stored verbatim so that export → import reproduces the source exactly.
 */
export type DocumentPeriods = DocumentPeriod[] | string | null;

export interface DocumentBlock {
  /** Optional; when present it must equal the block's 0-based position in `blocks`. */
  block_index?: number;
  /** Optional: the block's id in the scheduler's input (a string of at most 256 characters, or null). Export writes the block's key. */
  original_block_id?: string | null;
  target: { name: string; ra_deg: number; dec_deg: number; ra_pm_masyr: number; dec_pm_masyr: number; equinox: number };
  /** null: the block has no constraints row. */
  constraints: {
    start_time_mjd: number | null;
    stop_time_mjd: number | null;
    altitude: { min_alt_deg: number | null; max_alt_deg: number | null } | null;
    azimuth: { min_az_deg: number | null; max_az_deg: number | null } | null;
  } | null;
  priority: number;
  min_observation_sec: number;
  requested_duration_sec: number;
  /** null when both sides are null. */
  scheduled: { start_mjd: number | null; stop_mjd: number | null } | null;
  visibility_periods: DocumentPeriods;
}

/** The whole document. `schedule_name` and `dark_periods` must come before `blocks` in the file. */
export interface ScheduleDocument {
  schedule_name: string;
  dark_periods: DocumentPeriods;
  blocks: DocumentBlock[];
}

/** A document that does not follow the format; the message starts with where (`blocks[12].target.ra_deg: …`). */
export class DocumentError extends TsiError {}

type Json = Record<string, unknown>;

const TOP_KEYS = new Set(['schedule_name', 'dark_periods', 'blocks']);
const BLOCK_KEYS = new Set(['block_index', 'original_block_id', 'target', 'constraints', 'priority', 'min_observation_sec', 'requested_duration_sec', 'scheduled', 'visibility_periods']);
const TARGET_KEYS = new Set(['name', 'ra_deg', 'dec_deg', 'ra_pm_masyr', 'dec_pm_masyr', 'equinox']);
const CONSTRAINTS_KEYS = new Set(['start_time_mjd', 'stop_time_mjd', 'altitude', 'azimuth']);
const ALTITUDE_KEYS = new Set(['min_alt_deg', 'max_alt_deg']);
const AZIMUTH_KEYS = new Set(['min_az_deg', 'max_az_deg']);
const SCHEDULED_KEYS = new Set(['start_mjd', 'stop_mjd']);

/** Whether `key` is one of the document's top-level fields. */
export function isTopLevelKey(key: string): boolean {
  return TOP_KEYS.has(key);
}

/**
 * Validates the fields read before `blocks` and returns the schedules row
 * they make (without the checksum, which is the file's).
 * @throws DocumentError naming the field.
 */
export function documentHeader(fields: Json): { schedule_name: string; dark_periods_json: string | null } {
  for (const key of ['schedule_name', 'dark_periods']) {
    if (!(key in fields)) throw new DocumentError(`${key}: missing before "blocks" (schedule_name and dark_periods must come before blocks in the file)`);
  }
  const name = fields.schedule_name;
  if (typeof name !== 'string' || name.length === 0) throw expected('schedule_name', 'a non-empty string', name);
  return { schedule_name: name, dark_periods_json: periodsText(fields, 'dark_periods', '') };
}

/**
 * Validates one parsed element of `blocks` and converts it to source rows.
 * Arrays of periods are stored as their `JSON.stringify` (the generator's
 * exact format for `{start, stop}` objects); their contents are checked later
 * by the ETL, as for any stored schedule.
 * @param index the block's 0-based position in `blocks`.
 * @throws DocumentError naming the block and the field path, e.g.
 *   `blocks[12].target.ra_deg: expected a finite number, got "abc"`.
 */
export function documentBlockToRows(block: unknown, index: number): SourceBlockRows {
  const path = `blocks[${index}]`;
  const b = object(block, path, BLOCK_KEYS);
  if (b.block_index !== undefined && b.block_index !== index) throw expected(`${path}.block_index`, `${index} (the block's position in blocks)`, b.block_index);
  const t = object(b.target, `${path}.target`, TARGET_KEYS);
  const tPath = `${path}.target`;
  const name = t.name;
  if (typeof name !== 'string') throw expected(`${tPath}.name`, 'a string', name);
  const rows: SourceBlockRows = {
    target: {
      name,
      ra_deg: finite(t, 'ra_deg', tPath),
      dec_deg: finite(t, 'dec_deg', tPath),
      ra_pm_masyr: finite(t, 'ra_pm_masyr', tPath),
      dec_pm_masyr: finite(t, 'dec_pm_masyr', tPath),
      equinox: finite(t, 'equinox', tPath),
    },
    altitude: null,
    azimuth: null,
    constraintWindow: null,
    original_block_id: originalBlockId(b, path),
    priority: finite(b, 'priority', path),
    min_observation_sec: seconds(b, 'min_observation_sec', path),
    requested_duration_sec: seconds(b, 'requested_duration_sec', path),
    visibility_periods_json: periodsText(b, 'visibility_periods', path),
    scheduled_start_mjd: null,
    scheduled_stop_mjd: null,
  };
  const c = objectOrNull(b, 'constraints', path, CONSTRAINTS_KEYS);
  if (c !== null) {
    const cPath = `${path}.constraints`;
    rows.constraintWindow = { start_time_mjd: finiteOrNull(c, 'start_time_mjd', cPath), stop_time_mjd: finiteOrNull(c, 'stop_time_mjd', cPath) };
    const alt = objectOrNull(c, 'altitude', cPath, ALTITUDE_KEYS);
    if (alt !== null) rows.altitude = { min_alt_deg: finiteOrNull(alt, 'min_alt_deg', `${cPath}.altitude`), max_alt_deg: finiteOrNull(alt, 'max_alt_deg', `${cPath}.altitude`) };
    const az = objectOrNull(c, 'azimuth', cPath, AZIMUTH_KEYS);
    if (az !== null) rows.azimuth = { min_az_deg: finiteOrNull(az, 'min_az_deg', `${cPath}.azimuth`), max_az_deg: finiteOrNull(az, 'max_az_deg', `${cPath}.azimuth`) };
  }
  const s = objectOrNull(b, 'scheduled', path, SCHEDULED_KEYS);
  if (s !== null) {
    rows.scheduled_start_mjd = finiteOrNull(s, 'start_mjd', `${path}.scheduled`);
    rows.scheduled_stop_mjd = finiteOrNull(s, 'stop_mjd', `${path}.scheduled`);
  }
  return rows;
}

/** Reused by `periodsJson`: the scanner is synchronous, so one buffer serves every call. */
const scratch = new PeriodBuffer();

/**
 * The document value for stored periods text: the text itself when it is a
 * valid, non-empty period array (written verbatim, never re-serialized),
 * `null` for NULL, otherwise the text as a JSON string, so a document is
 * valid JSON whatever the database holds.
 */
export function periodsJson(stored: string | null): string {
  if (stored === null) return 'null';
  return stored.length > 0 && scanVisibilityPeriods(stored, scratch) === null ? stored : JSON.stringify(stored);
}

/** The opening of a document, up to the `[` of `blocks`. */
export function documentHead(scheduleName: string, darkPeriodsJson: string | null): string {
  return `{"schedule_name":${JSON.stringify(scheduleName)},"dark_periods":${periodsJson(darkPeriodsJson)},"blocks":[`;
}

/** What goes before block `index`: each block starts a line. */
export function blockSeparator(index: number): string {
  return index === 0 ? '\n' : ',\n';
}

/** What follows the last block. */
export const DOCUMENT_TAIL = '\n]}\n';

/**
 * One element of `blocks`, keys in the documented order. Export writes one
 * block per line, so a line number in an import error is a block.
 * @throws TsiError for a number that JSON cannot carry (NaN, ±Infinity).
 */
export function documentBlockJson(block: SourceBlockRows, index: number): string {
  const t = block.target;
  const cw = block.constraintWindow;
  let constraints = 'null';
  if (cw !== null) {
    const alt = block.altitude;
    const az = block.azimuth;
    constraints =
      `{"start_time_mjd":${numberOrNull(cw.start_time_mjd, index)},"stop_time_mjd":${numberOrNull(cw.stop_time_mjd, index)}` +
      `,"altitude":${alt === null ? 'null' : `{"min_alt_deg":${numberOrNull(alt.min_alt_deg, index)},"max_alt_deg":${numberOrNull(alt.max_alt_deg, index)}}`}` +
      `,"azimuth":${az === null ? 'null' : `{"min_az_deg":${numberOrNull(az.min_az_deg, index)},"max_az_deg":${numberOrNull(az.max_az_deg, index)}}`}}`;
  }
  const start = block.scheduled_start_mjd;
  const stop = block.scheduled_stop_mjd;
  const scheduled = start === null && stop === null ? 'null' : `{"start_mjd":${numberOrNull(start, index)},"stop_mjd":${numberOrNull(stop, index)}}`;
  return (
    `{"block_index":${index},"original_block_id":${block.original_block_id === null ? 'null' : JSON.stringify(block.original_block_id)},"target":{"name":${JSON.stringify(t.name)},"ra_deg":${number(t.ra_deg, index)},"dec_deg":${number(t.dec_deg, index)}` +
    `,"ra_pm_masyr":${number(t.ra_pm_masyr, index)},"dec_pm_masyr":${number(t.dec_pm_masyr, index)},"equinox":${number(t.equinox, index)}}` +
    `,"constraints":${constraints},"priority":${number(block.priority, index)}` +
    `,"min_observation_sec":${number(block.min_observation_sec, index)},"requested_duration_sec":${number(block.requested_duration_sec, index)}` +
    `,"scheduled":${scheduled},"visibility_periods":${periodsJson(block.visibility_periods_json)}}`
  );
}

// String(x) of a finite number is exactly what JSON.stringify writes.
function number(x: number, index: number): string {
  if (!Number.isFinite(x)) throw new TsiError(`blocks[${index}]: ${x} cannot be written to JSON`);
  return String(x);
}

function numberOrNull(x: number | null, index: number): string {
  return x === null ? 'null' : number(x, index);
}

/** Absent and null both mean no original id; otherwise a string the database column can hold. */
function originalBlockId(o: Json, path: string): string | null {
  const v = o.original_block_id;
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw expected(`${path}.original_block_id`, 'a string or null', v);
  if (v.length > MAX_ORIGINAL_BLOCK_ID_LENGTH) {
    throw new DocumentError(`${path}.original_block_id: ${v.length} characters, at most ${MAX_ORIGINAL_BLOCK_ID_LENGTH} are allowed (shorten the id)`);
  }
  return v;
}

function periodsText(o: Json, key: string, path: string): string | null {
  const v = o[key];
  if (v === null) return null;
  if (Array.isArray(v)) return JSON.stringify(v);
  if (typeof v === 'string') return v;
  throw expected(join(path, key), 'an array of {"start","stop"} periods, null or a string', v);
}

function object(v: unknown, path: string, keys: ReadonlySet<string>): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw expected(path, 'an object', v);
  for (const key in v) if (!keys.has(key)) throw new DocumentError(`${path}: unknown field ${JSON.stringify(key)} (fields: ${[...keys].join(', ')})`);
  return v as Json;
}

function objectOrNull(o: Json, key: string, path: string, keys: ReadonlySet<string>): Json | null {
  const v = o[key];
  return v === null ? null : object(v, join(path, key), keys);
}

function finite(o: Json, key: string, path: string): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw expected(join(path, key), 'a finite number', v);
}

function finiteOrNull(o: Json, key: string, path: string): number | null {
  const v = o[key];
  if (v === null || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw expected(join(path, key), 'a finite number or null', v);
}

function seconds(o: Json, key: string, path: string): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw expected(join(path, key), 'a whole number of seconds (an integer >= 0)', v);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function expected(path: string, what: string, got: unknown): DocumentError {
  return new DocumentError(`${path}: expected ${what}, got ${describe(got)}`);
}

/** A short rendering of a bad value; numbers as JS prints them, so 1e400 shows as Infinity, not null. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  const text = typeof v === 'number' ? String(v) : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
