// Copies the .sql migrations next to the compiled code so dist/ runs on its own.
import { cpSync } from 'node:fs';
for (const dialect of ['sqlite', 'mssql']) {
  cpSync(new URL(`../sql/${dialect}/`, import.meta.url), new URL(`../dist/sql/${dialect}/`, import.meta.url), {
    recursive: true,
    filter: (src) => !src.endsWith('.ts'),
  });
}
