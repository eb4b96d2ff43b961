export { MAX_ORIGINAL_BLOCK_ID_LENGTH } from '../../sql/table-specs.js';

/**
 * SEMANTICS "Block key": `trim(original_block_id)` when that is non-empty,
 * else the decimal text of `scheduling_block_id`. Blocks of two schedules are
 * the same block when their keys are equal. The id may arrive as a BIGINT
 * string from SQL Server, hence `number | string`.
 */
export function blockKey(originalBlockId: string | null, schedulingBlockId: number | string): string {
  const trimmed = originalBlockId?.trim() ?? '';
  return trimmed.length > 0 ? trimmed : String(schedulingBlockId);
}
