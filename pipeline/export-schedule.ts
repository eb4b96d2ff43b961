import { once } from 'node:events';
import { selectExportBlocks, type ExportBlockRow } from '../sql/queries/export-blocks.js';
import type { Store } from '../sql/store.js';
import type { SourceBlockRows } from './block-row-writer.js';
import { UnknownScheduleError } from '../base/errors.js';
import { blockKey } from '../stages/core/block-key.js';
import { blockSeparator, DOCUMENT_TAIL, documentBlockJson, documentHead } from './schedule-document.js';

export interface ExportSummary {
  scheduleId: number;
  scheduleName: string;
  blocks: number;
  /** Bytes written (UTF-8). */
  bytes: number;
  seconds: number;
}

/** Rows per database read and per write to `out`: about 2 MB of W10k-sized blocks. */
const EXPORT_CHUNK_ROWS = 256;

/**
 * Writes a stored schedule as a schedule document (docs/schedule-document.md)
 * to `out`, blocks in block-id order, reading and writing chunk by chunk and
 * waiting for `out` to drain, so memory stays bounded for any schedule. Stored
 * visibility text is written verbatim (never re-serialized), so importing the
 * output stores the same source and exporting that again gives the same bytes.
 * Does not end `out`.
 * @throws UnknownScheduleError; the error of `out` if it fails.
 */
export async function exportSchedule(store: Store, scheduleId: number, out: NodeJS.WritableStream): Promise<ExportSummary> {
  const started = performance.now();
  const schedule = await store.db.selectFrom('schedules').select(['schedule_name', 'dark_periods_json']).where('schedule_id', '=', scheduleId).executeTakeFirst();
  if (!schedule) throw new UnknownScheduleError(scheduleId);

  // A failure of `out` between writes is kept and thrown at the next write; during a wait, `once` throws it.
  let failure: Error | undefined;
  const onError = (error: Error) => (failure = error);
  out.on('error', onError);
  let bytes = 0;
  const write = async (text: string) => {
    if (failure) throw failure;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  try {
    await write(documentHead(schedule.schedule_name, schedule.dark_periods_json));
    let index = 0;
    for await (const rows of store.streamQuery<ExportBlockRow>(selectExportBlocks(store.db, scheduleId).compile(), EXPORT_CHUNK_ROWS)) {
      let text = '';
      for (const row of rows) {
        text += blockSeparator(index) + documentBlockJson(exportRowToBlock(row), index);
        index++;
      }
      await write(text);
    }
    await write(DOCUMENT_TAIL);
    return { scheduleId, scheduleName: schedule.schedule_name, blocks: index, bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    out.off('error', onError);
  }
}

function exportRowToBlock(r: ExportBlockRow): SourceBlockRows {
  // Altitude and azimuth rows are joined through the constraints row: no constraints, no ids.
  return {
    target: { name: r.name, ra_deg: r.ra_deg, dec_deg: r.dec_deg, ra_pm_masyr: r.ra_pm_masyr, dec_pm_masyr: r.dec_pm_masyr, equinox: r.equinox },
    constraintWindow: r.constraints_id !== null ? { start_time_mjd: r.start_time_mjd, stop_time_mjd: r.stop_time_mjd } : null,
    altitude: r.altitude_constraints_id !== null ? { min_alt_deg: r.min_alt_deg, max_alt_deg: r.max_alt_deg } : null,
    azimuth: r.azimuth_constraints_id !== null ? { min_az_deg: r.min_az_deg, max_az_deg: r.max_az_deg } : null,
    // The key, not the stored text: a re-import then matches the same blocks (SEMANTICS "Block key").
    original_block_id: blockKey(r.original_block_id, r.scheduling_block_id),
    priority: r.priority,
    min_observation_sec: r.min_observation_sec,
    requested_duration_sec: r.requested_duration_sec,
    visibility_periods_json: r.visibility_periods_json,
    scheduled_start_mjd: r.scheduled_start_mjd,
    scheduled_stop_mjd: r.scheduled_stop_mjd,
  };
}
