/**
 * Retention periods per data class, in days: defaults, and the bounds a tenant's own settings
 * must stay within. The minimum for the audit log keeps a year of accountability records
 * (UK GDPR Art. 5(2), security investigations); its maximum is the six-year limitation period
 * plus one. Other classes may be as short as a day: holding less is always allowed.
 */
export const RETENTION_SETTINGS = {
  deleted_records_days: {
    label: "soft-deleted companies, contacts and tenants (the restore window)",
    default: 30,
    min: 1,
    max: 365,
  },
  scrape_results_days: { label: "scrape results and page snapshots", default: 90, min: 1, max: 730 },
  scrape_jobs_days: { label: "finished scrape jobs", default: 90, min: 1, max: 730 },
  audit_log_days: { label: "audit log entries", default: 400, min: 365, max: 2555 },
  events_days: { label: "events (the event feed and webhook deliveries)", default: 30, min: 1, max: 90 },
} as const;

export type RetentionSetting = keyof typeof RETENTION_SETTINGS;
export type RetentionPolicy = Record<RetentionSetting, number>;

export const RETENTION_SETTING_NAMES = Object.keys(RETENTION_SETTINGS) as RetentionSetting[];

/** The policy in force: the tenant's value where it set one, else the default. */
export function effectivePolicy(stored: Partial<Record<RetentionSetting, number | null>> | undefined): RetentionPolicy {
  const policy = {} as RetentionPolicy;
  for (const name of RETENTION_SETTING_NAMES) policy[name] = stored?.[name] ?? RETENTION_SETTINGS[name].default;
  return policy;
}
