import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { openMigratedStore } from '../../../sql/create-store.js';
import { exportSchedule, type ExportSummary } from '../../export-schedule.js';
import type { Store } from '../../../sql/store.js';
import { outputFile, requiredId, writeJson, type Command } from '../command.js';
import { count } from '../format.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a stored schedule as a schedule document (the format `import` reads), streamed.',
  usage: '--schedule ID [--out FILE]',
  details: [
    'Writes to stdout unless --out is given; the document streams block by block, so its size is not limited by memory.',
    'With --out, the file appears only when complete (written to FILE.partial first); a summary is printed (--json for JSON).',
    'Exporting a schedule, importing the file and exporting that again gives the same bytes.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', valueName: 'ID', description: 'schedule id (see `tsi-etl schedules`)' },
    out: { type: 'string', valueName: 'FILE', description: 'write the document to FILE instead of stdout' },
  },
  examples: ['tsi-etl export --schedule 1 > schedule.json', 'tsi-etl export --schedule 1 --out schedule.json'],
  async run(args, ctx) {
    const scheduleId = requiredId(args, 'schedule');
    const file = outputFile(args);
    const store = await openMigratedStore(ctx.db);
    try {
      if (file === undefined) {
        const summary = await exportSchedule(store, scheduleId, ctx.out);
        ctx.log.info({ event: 'exported', ...summary }, 'schedule exported');
        return 0;
      }
      const summary = await exportToFile(store, scheduleId, file);
      if (ctx.json) writeJson(ctx, { ...summary, file });
      else ctx.out.write(`exported schedule ${scheduleId} ${JSON.stringify(summary.scheduleName)} to ${file}: ${count(summary.blocks, 'block')}, ${(summary.bytes / 1e6).toFixed(1)} MB in ${summary.seconds.toFixed(2)} s\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** Writes FILE.partial and renames it when complete, so a failed export leaves no half document. */
async function exportToFile(store: Store, scheduleId: number, file: string): Promise<ExportSummary> {
  const partial = `${file}.partial`;
  const stream = createWriteStream(partial);
  try {
    const summary = await exportSchedule(store, scheduleId, stream);
    stream.end();
    await finished(stream);
    await rename(partial, file);
    return summary;
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}
