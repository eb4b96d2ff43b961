import { openStore } from '../../../sql/create-store.js';
import { writeJson, type Command } from '../command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Create or update the schema: applies the numbered migrations not yet applied (idempotent).',
  usage: '[--db TARGET]',
  details: 'Creates the SQLite file when it does not exist. Each migration runs in its own transaction and is recorded in schema_migrations.',
  options: {},
  examples: ['tsi-etl migrate --db ./tsi.db'],
  async run(_args, ctx) {
    const store = await openStore(ctx.db, { create: true });
    try {
      const report = await store.migrate();
      if (ctx.json) writeJson(ctx, report);
      else if (report.applied.length === 0) ctx.out.write(`${store.description}: schema is up to date (${report.alreadyApplied.length} migrations)\n`);
      else ctx.out.write(`${store.description}: applied ${report.applied.join(', ')}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
