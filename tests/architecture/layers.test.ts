import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Every arrow points down: pipeline → queries, stages → sql → base.
const LAYERS = ['base', 'sql', 'stages', 'queries', 'pipeline'] as const;
type Layer = (typeof LAYERS)[number];
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  base: ['base'],
  sql: ['base', 'sql'],
  stages: ['base', 'sql', 'stages'],
  queries: ['base', 'sql', 'stages', 'queries'],
  pipeline: LAYERS,
};

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Relative imports of a file (static, re-exports and dynamic), as repo paths of .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import\(?)\s*'(\.{1,2}\/[^']+)\.js'/g)].map((m) => m[1]!);
  return specs.map((s) => path.relative(root, path.resolve(root, path.dirname(file), s)) + '.ts');
}

const files = LAYERS.flatMap((l) => sourceFiles(l));
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const layerOf = (f: string) => f.split(path.sep)[0] as Layer;

describe('layering', () => {
  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get(path.join('pipeline', 'populate.ts'))).toContain(path.join('base', 'errors.ts'));
  });

  it.each(LAYERS)('%s imports only its own layer and those below it', (layer) => {
    const upward = files.filter((f) => layerOf(f) === layer)
      .flatMap((f) => graph.get(f)!.filter((t) => !MAY_IMPORT[layer].includes(layerOf(t))).map((t) => `${f} → ${t}`));
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, trail: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') { cycles.push([...trail.slice(trail.indexOf(f)), f].join(' → ')); return; }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
