/** One difference between what the analytics tables hold and what the legacy path computes. */
export interface Drift {
  table: string;
  key: string;
  detail: string;
}

/** SEMANTICS: floating values agree to a relative 1e-9. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return String(a) === String(b);
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

/**
 * Compares expected rows with stored rows, matched by `key`, on the columns
 * of the expected rows; reports missing rows, extra rows and differing
 * values, up to `limit` drifts per table.
 */
export function diffRows(
  table: string,
  expected: readonly object[],
  actual: readonly object[],
  key: (row: Record<string, unknown>) => string,
  limit = 20,
): Drift[] {
  const drifts: Drift[] = [];
  const stored = new Map(actual.map((r) => [key(r as Record<string, unknown>), r as Record<string, unknown>]));
  for (const e of expected as Record<string, unknown>[]) {
    const k = key(e);
    const a = stored.get(k);
    stored.delete(k);
    if (!a) drifts.push({ table, key: k, detail: 'missing from the analytics table' });
    else {
      for (const [column, value] of Object.entries(e)) {
        if (!sameValue(value, a[column])) drifts.push({ table, key: k, detail: `${column}: stored ${JSON.stringify(a[column])}, source gives ${JSON.stringify(value)}` });
      }
    }
    if (drifts.length >= limit) return drifts;
  }
  for (const k of stored.keys()) {
    drifts.push({ table, key: k, detail: 'in the analytics table but not computed from the source' });
    if (drifts.length >= limit) break;
  }
  return drifts;
}
