/**
 * The compiled file of a worker thread's module, given by its path from the
 * project root (`'stages/parallel/block-worker.js'`). Compiled code finds it
 * beside itself in `dist/`. Under vitest the caller runs from its .ts
 * source, which a worker thread cannot load, so tests use the build
 * (`npm test` builds first).
 */
export function workerScript(pathFromRoot: string): URL {
  // This file is one folder below the root, in the sources and in dist/ alike.
  const root = new URL('../', import.meta.url);
  return new URL(import.meta.url.endsWith('.ts') ? `dist/${pathFromRoot}` : pathFromRoot, root);
}
