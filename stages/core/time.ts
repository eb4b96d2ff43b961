/** MJD of the Unix epoch (1970-01-01T00:00Z). */
export const MJD_UNIX_EPOCH = 40587;

/** SEMANTICS "Time": Unix seconds rounded to the millisecond, before any comparison. */
export function mjdToUnix(mjd: number): number {
  return Math.round((mjd - MJD_UNIX_EPOCH) * 86_400_000) / 1000;
}
