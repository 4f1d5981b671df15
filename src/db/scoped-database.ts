import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Access } from "../auth/access";
import type { Principal } from "../auth/principal";
import type { ModuleId } from "../billing/catalogue";
import type { BucketPolicy } from "../rate-limit/policy";
import { ownDeliveries } from "../webhooks/outbox";
import type { ApiDatabaseClient, Database } from "./client";
import type { Role } from "./schema/memberships";
import type { Plan } from "./schema/plans";

export interface RequestIdentity {
  tenantId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  role: Role | null;
  /** The tenant's plan in force (for its rate limiter); null without a tenant. */
  plan: Plan | null;
  /** That plan's rate limits, from the plans table; null without a tenant. */
  planLimits: BucketPolicy | null;
}

interface BeginRow extends Record<string, unknown> {
  tenant_id: string | null;
  user_id: string | null;
  api_key_id: string | null;
  role: Role | null;
  plan: Plan | null;
  rate_per_minute: number | string | null;
  rate_burst: number | string | null;
}

export interface ScopeOptions {
  principal: Principal;
  tenantId: string | null;
  access: Access;
  readOnly: boolean;
  requestId: string;
  /** The route's module, if it belongs to one (absent: no module check at all). */
  module?: ModuleId;
  /** Told who the caller is once the first batch has run. */
  onIdentity?: (identity: RequestIdentity) => void;
  /** Told the webhook deliveries a committed read-write batch created (to queue them). */
  onDeliveries?: (deliveryIds: string[]) => void;
}

/**
 * The database as one caller sees it. `batch()` sends ONE HTTP request: app.begin_request with
 * this caller's signed claims first, then the route's statements, all in one transaction.
 */
export interface ScopedDatabase {
  batch<T extends BatchItem<"pg">[]>(
    build: (db: Database) => [...T],
  ): Promise<{ identity: RequestIdentity; results: BatchResponse<T> }>;
}

export function createScopedDatabase(database: ApiDatabaseClient, options: ScopeOptions): ScopedDatabase {
  const { principal, tenantId, access, readOnly, requestId } = options;
  const user = principal.kind === "user" ? principal : null;
  return {
    async batch<T extends BatchItem<"pg">[]>(build: (db: Database) => [...T]) {
      const { db } = database;
      // Its own statement: the identity it seals is visible from the next one on.
      const begin = await database.begin({
        kind: "request",
        tenant_id: tenantId,
        subject: user?.subject ?? null,
        email: user?.email ?? null,
        name: user?.name ?? null,
        key_hash: principal.kind === "api_key" ? principal.keyHash : null,
        role: access.role,
        scope: access.scope,
        read_only: readOnly,
        request_id: requestId,
        ...(options.module ? { module: options.module } : {}),
        ...(user?.organization && access.role !== null
          ? { org_issuer: user.organization.issuer, org_id: user.organization.id, org_role: user.organization.role }
          : {}),
      });
      const queries: [BatchItem<"pg">, ...BatchItem<"pg">[]] = [db.execute<BeginRow>(begin), ...build(db)];
      // A write's events may have made webhook deliveries: the batch's last statement names them.
      if (!readOnly) queries.push(db.execute<{ id: string }>(ownDeliveries));
      const [beginResult, ...results] = (await db.batch(queries)) as [{ rows: BeginRow[] }, ...unknown[]];
      if (!readOnly) {
        const deliveries = (results.pop() as { rows: { id: string }[] }).rows;
        if (deliveries.length > 0) options.onDeliveries?.(deliveries.map((row) => row.id));
      }
      const row = beginResult.rows[0];
      if (!row) throw new Error("app.begin_request returned no row");
      const identity = {
        tenantId: row.tenant_id,
        userId: row.user_id,
        apiKeyId: row.api_key_id,
        role: row.role,
        plan: row.plan,
        planLimits:
          row.rate_per_minute === null || row.rate_burst === null
            ? null
            : { perMinute: Number(row.rate_per_minute), burst: Number(row.rate_burst) },
      };
      options.onIdentity?.(identity);
      return { identity, results: results as BatchResponse<T> };
    },
  };
}
