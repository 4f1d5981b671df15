/** Must match `[triggers] crons` in wrangler.toml (a test checks it). */
export const CRON_SCHEDULES = {
  retentionPurge: "17 3 * * *",
  maintenance: "*/15 * * * *",
  // Between the maintenance runs, so the two never start together.
  companiesHouseRefresh: "7,22,37,52 * * * *",
} as const;

export type CronJob = keyof typeof CRON_SCHEDULES;

export function cronJobFor(cron: string): CronJob | undefined {
  return (Object.keys(CRON_SCHEDULES) as CronJob[]).find((job) => CRON_SCHEDULES[job] === cron);
}
