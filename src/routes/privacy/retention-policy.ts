/** The retention policy as the two retention operations read and return it. */
import { isoTimestamp } from "../../http/timestamps";
import {
  effectivePolicy,
  RETENTION_SETTING_NAMES,
  RETENTION_SETTINGS,
  type RetentionSetting,
} from "../../privacy/retention";

export type StoredPolicy = Partial<Record<RetentionSetting, number | null>> & { updated_at: string | null };

export const RETENTION_COLUMNS = RETENTION_SETTING_NAMES.join(", ");

export function retentionBody(stored: StoredPolicy | undefined) {
  const effective = effectivePolicy(stored);
  return {
    settings: Object.fromEntries(
      RETENTION_SETTING_NAMES.map((name) => {
        const { default: fallback, min, max } = RETENTION_SETTINGS[name];
        return [
          name,
          { days: effective[name], default: fallback, min, max, customised: (stored?.[name] ?? null) !== null },
        ];
      }),
    ) as Record<RetentionSetting, { days: number; default: number; min: number; max: number; customised: boolean }>,
    updated_at: isoTimestamp(stored?.updated_at ?? null),
  };
}
