/** The retention policy as the two retention operations read and return it. */
import { getTableColumns } from "drizzle-orm";
import { retentionPolicies } from "../../db/schema/retention-policies";
import { omitColumns, type RowOf, selectList } from "../../db/selection";
import { isoTimestamp } from "../../http/timestamps";
import {
  effectivePolicy,
  RETENTION_SETTING_NAMES,
  RETENTION_SETTINGS,
  type RetentionSetting,
} from "../../privacy/retention";

/** The period columns of retention_policies: all but the tenant and the update time. */
const periodColumns = omitColumns(getTableColumns(retentionPolicies), "tenantId", "updatedAt");

/** A stored policy as raw SQL returns it; no row (nothing set yet) reads as all defaults. */
export type StoredPolicy = Partial<RowOf<typeof periodColumns>> & { updated_at: string | null };

// The settings are the table's period columns, by name: adding one to either alone fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const settingsAreColumns: Same<RetentionSetting, keyof RowOf<typeof periodColumns>> = true;
void settingsAreColumns;

/** The period columns' names, for INSERT column lists and SELECT lists alike (integers: no casts). */
export const RETENTION_COLUMNS = selectList(periodColumns);

/** Periods and the update time (as text), for what the operations return. */
export const RETENTION_SELECTION = selectList({ ...periodColumns, updatedAt: retentionPolicies.updatedAt });

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
