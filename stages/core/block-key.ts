/**
 * SEMANTICS "Block key": a block's identity across schedules. The trimmed
 * original id from the scheduler's input when it has one, else the decimal
 * scheduling_block_id, so schedules linking the same rows match without one.
 */
export function blockKey(originalBlockId: string | null, schedulingBlockId: number): string {
  const trimmed = originalBlockId?.trim() ?? '';
  return trimmed !== '' ? trimmed : String(schedulingBlockId);
}
