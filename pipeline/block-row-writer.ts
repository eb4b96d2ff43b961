import type { NextSourceIds } from '../sql/store.js';
import type { SourceTableWriter } from './source-table-writer.js';

/**
 * Everything the six block-level source tables hold for one block, without
 * ids. `constraintWindow` null means the block has no constraints row (and
 * then no altitude or azimuth row either). The generator's `GeneratedBlock`
 * has this shape too.
 */
export interface SourceBlockRows {
  target: { name: string; ra_deg: number; dec_deg: number; ra_pm_masyr: number; dec_pm_masyr: number; equinox: number };
  altitude: { min_alt_deg: number | null; max_alt_deg: number | null } | null;
  azimuth: { min_az_deg: number | null; max_az_deg: number | null } | null;
  constraintWindow: { start_time_mjd: number | null; stop_time_mjd: number | null } | null;
  /** The block's id in the scheduler's input (at most 256 characters); null when it has none. */
  original_block_id: string | null;
  priority: number;
  min_observation_sec: number;
  requested_duration_sec: number;
  visibility_periods_json: string | null;
  scheduled_start_mjd: number | null;
  scheduled_stop_mjd: number | null;
}

/**
 * Appends blocks' rows to a SourceTableWriter, assigning ids in order from
 * the first free ids of the load transaction (one target and one block id per
 * block; constraint ids only where a row exists). The caller flushes.
 */
export class BlockRowWriter {
  readonly #w: SourceTableWriter;
  readonly #scheduleId: number;
  #targetId: number;
  #blockId: number;
  #altId: number;
  #azId: number;
  #constraintsId: number;

  constructor(writer: SourceTableWriter, scheduleId: number, ids: NextSourceIds) {
    this.#w = writer;
    this.#scheduleId = scheduleId;
    this.#targetId = ids.target_id;
    this.#blockId = ids.scheduling_block_id;
    this.#altId = ids.altitude_constraints_id;
    this.#azId = ids.azimuth_constraints_id;
    this.#constraintsId = ids.constraints_id;
  }

  /** Queues one block's rows; returns its scheduling_block_id. */
  write(block: SourceBlockRows): number {
    const b = this.#w.batchers;
    const targetId = this.#targetId++;
    const blockId = this.#blockId++;
    const t = block.target;
    b.targets.values.push(targetId, t.name, t.ra_deg, t.dec_deg, t.ra_pm_masyr, t.dec_pm_masyr, t.equinox);
    b.targets.endRow();
    let constraintsId: number | null = null;
    if (block.constraintWindow) {
      constraintsId = this.#constraintsId++;
      let altId: number | null = null;
      let azId: number | null = null;
      if (block.altitude) {
        altId = this.#altId++;
        b.altitude_constraints.values.push(altId, block.altitude.min_alt_deg, block.altitude.max_alt_deg);
        b.altitude_constraints.endRow();
      }
      if (block.azimuth) {
        azId = this.#azId++;
        b.azimuth_constraints.values.push(azId, block.azimuth.min_az_deg, block.azimuth.max_az_deg);
        b.azimuth_constraints.endRow();
      }
      b.constraints.values.push(constraintsId, block.constraintWindow.start_time_mjd, block.constraintWindow.stop_time_mjd, altId, azId);
      b.constraints.endRow();
    }
    b.scheduling_blocks.values.push(blockId, targetId, constraintsId, block.priority, block.min_observation_sec, block.requested_duration_sec, block.visibility_periods_json, block.original_block_id);
    b.scheduling_blocks.endRow();
    b.schedule_scheduling_blocks.values.push(this.#scheduleId, blockId, block.scheduled_start_mjd, block.scheduled_stop_mjd);
    b.schedule_scheduling_blocks.endRow();
    return blockId;
  }
}
