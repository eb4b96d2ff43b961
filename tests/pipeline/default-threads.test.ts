import { describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE_CONFIG, MAX_DEFAULT_THREADS, defaultThreads } from '../../pipeline/config.js';
import { availableParallelism } from 'node:os';

describe('defaultThreads', () => {
  it('a thread per core (the main thread parses too), capped', () => {
    expect([0, 1, 2, 3, 4, 5, 8, 64].map(defaultThreads)).toEqual([1, 1, 2, 3, 4, MAX_DEFAULT_THREADS, MAX_DEFAULT_THREADS, MAX_DEFAULT_THREADS]);
    expect(DEFAULT_PIPELINE_CONFIG.threads).toBe(defaultThreads(availableParallelism()));
  });
});
