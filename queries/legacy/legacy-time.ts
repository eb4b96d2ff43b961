/**
 * The legacy path's own MJD → Unix seconds (SEMANTICS "Time"), apart from
 * the ETL's `stages/core/time.ts` so the two paths check each other.
 * 40587 is the MJD of 1970-01-01; 86,400,000 ms a day. (The product is taken
 * in one multiplication: `(d · 86400) · 1000` rounds differently on ~1 in
 * 15,000 inputs at a half-millisecond tie.)
 */
export function mjdToUnix(mjd: number): number {
  const milliseconds = Math.round((mjd - 40587) * 86_400_000);
  return milliseconds / 1000;
}
