import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Access } from "../auth/access";
import type { Principal } from "../auth/principal";
import { ownDeliveries } from "../webhooks/outbox";
import type { ApiDatabaseClient, Database } from "./client";
import type { Role } from "./schema/memberships";
import type { Plan } from "./schema/tenants";

export interface RequestIdentity {
  tenantId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  role: Role | null;
  /** The tenant's plan (for its rate limiter); null without a tenant. */
  plan: Plan | null;
}

interface BeginRow extends Record<string, unknown> {
  tenant_id: string | null;
  user_id: string | null;
  api_key_id: string | null;
  role: Role | null;
  plan: Plan | null;
}

export interface ScopeOptions {
  principal: Principal;
  tenantId: string | null;
  access: Access;
  readOnly: boolean;
  requestId: string;
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
      };
      options.onIdentity?.(identity);
      return { identity, results: results as BatchResponse<T> };
    },
  };
}
