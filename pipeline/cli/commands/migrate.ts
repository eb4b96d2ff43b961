import { openStore } from '../../../sql/create-store.js';
import type { MigrationReport } from '../../../sql/store.js';
import { writeJson, type Command } from '../command.js';
import { count } from '../format.js';

/** `1, 2, 3` or, past ten, the first ten and how many more. */
function shortList(ids: readonly number[]): string {
  return ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more`;
}

/** One line per phase a re-created table made migrate delete (also said by the commands that migrate on the way). */
export function analyticsDeletedLines(target: string, report: MigrationReport): string[] {
  return report.analyticsDeleted.map(({ phase, scheduleIds }) =>
    `${target}: deleted the Phase ${phase} analytics of ${count(scheduleIds.length, 'schedule')} (${shortList(scheduleIds)}), incomplete without the re-created table; reads fall back to the source tables until \`tsi-etl backfill\` computes them again`);
}

function migrationText(target: string, report: MigrationReport): string {
  if (report.applied.length === 0 && report.recreated.length === 0) return `${target}: schema is up to date (${report.alreadyApplied.length} migrations)\n`;
  const lines: string[] = [];
  if (report.applied.length > 0) lines.push(`${target}: applied ${report.applied.join(', ')}`);
  if (report.recreated.length > 0) lines.push(`${target}: re-created what was missing: ${report.recreated.join(', ')}`);
  lines.push(...analyticsDeletedLines(target, report));
  return lines.join('\n') + '\n';
}

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Create or update the schema: applies the numbered migrations not yet applied, and re-creates anything they create that is missing (idempotent).',
  usage: '[--db TARGET]',
  details: [
    'Creates the SQLite file when it does not exist. Each migration runs in its own transaction and is recorded in schema_migrations.',
    'It also checks that every table, added column and index of the recorded migrations exists, and runs a migration again when something of it is missing (e.g. after `DROP TABLE schedule_summary_analytics` to roll back), naming what it re-created.',
    'A re-created analytics table is empty, so the analytics of its phase are incomplete for every schedule: migrate deletes that phase from every schedule that had some of it, and says which. Reads then fall back to the source tables, and `tsi-etl backfill` (or populate) computes the phase again. A re-added column reads null in the rows already there, as after an upgrade.',
    'With --json: {applied, alreadyApplied, recreated, analyticsDeleted: [{phase, scheduleIds}]}.',
  ].join('\n'),
  options: {},
  examples: ['tsi-etl migrate --db ./tsi.db'],
  async run(_args, ctx) {
    const store = await openStore(ctx.db, { create: true });
    try {
      const report = await store.migrate();
      if (ctx.json) writeJson(ctx, report);
      else ctx.out.write(migrationText(store.description, report));
      return 0;
    } finally {
      await store.close();
    }
  },
};
