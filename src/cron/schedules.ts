/** Must match `[triggers] crons` in wrangler.toml (a test checks it). */
export const CRON_SCHEDULES = {
  retentionPurge: "17 3 * * *",
  maintenance: "*/15 * * * *",
} as const;

export type CronJob = keyof typeof CRON_SCHEDULES;

export function cronJobFor(cron: string): CronJob | undefined {
  return (Object.keys(CRON_SCHEDULES) as CronJob[]).find((job) => CRON_SCHEDULES[job] === cron);
}
