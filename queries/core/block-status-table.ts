import { compareKeys } from './compare-block.js';
import type { CompareSide } from './compare-pair.js';

/** Per key of the union, per schedule: its scheduled start (Unix seconds), 'unscheduled' or 'absent'. */
export interface BlockStatusTable {
  schedules: number[];
  rows: { key: string; cells: (number | 'unscheduled' | 'absent')[] }[];
}

/** SEMANTICS "Against several schedules": one row per key of the union, keys in code-unit order. */
export function blockStatusTable(sides: readonly CompareSide[]): BlockStatusTable {
  const keys = new Set<string>();
  for (const side of sides) for (const key of side.byKey.keys()) keys.add(key);
  return {
    schedules: sides.map((s) => s.scheduleId),
    rows: [...keys].sort(compareKeys).map((key) => ({
      key,
      cells: sides.map((s) => {
        const block = s.byKey.get(key);
        return block === undefined ? 'absent' : (block.start_unix ?? 'unscheduled');
      }),
    })),
  };
}
