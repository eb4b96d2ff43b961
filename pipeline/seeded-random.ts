/**
 * The generators' randomness: sfc32 (Chris Doty-Humphrey's Small Fast
 * Counter, 128-bit state) seeded through splitmix32 and warmed up 12 rounds,
 * so one seed gives one stream on every platform.
 */
/** Uniforms in [0, 1). */
export type Rng = () => number;

/** sfc32 seeded by splitmix32 over the seed's low and high 32 bits; returns uniforms in [0, 1). */
export function sfc32FromSeed(seed: number): Rng {
  let sm = 0;
  const splitmix32 = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
  sm = seed | 0;
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  // The high bits go straight into the state, so distinct safe-integer seeds give distinct streams.
  let d = splitmix32() ^ (Math.floor(seed / 4294967296) | 0);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}
