import { sql } from "drizzle-orm";

// Policies read the request identity through STABLE functions wrapped in a sub-select, so that
// Postgres evaluates them once per statement (an InitPlan) instead of once per row.
export const currentTenantId = sql`(select app.tenant_id())`;
export const currentUserId = sql`(select app.user_id())`;
