import { sql } from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Access } from "../auth/access";
import type { Principal } from "../auth/principal";
import type { Database, DatabaseClient } from "./client";
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
}

interface PlanRow extends Record<string, unknown> {
  plan: Plan;
}

export interface ScopeOptions {
  principal: Principal;
  tenantId: string | null;
  access: Access;
  readOnly: boolean;
  requestId: string;
  /** Told who the caller is once the first batch has run. */
  onIdentity?: (identity: RequestIdentity) => void;
}

/**
 * The database as one caller sees it. `batch()` sends ONE HTTP request: app.begin_request for
 * this caller first, then the route's statements, all in one transaction.
 */
export interface ScopedDatabase {
  batch<T extends BatchItem<"pg">[]>(
    build: (db: Database) => [...T],
  ): Promise<{ identity: RequestIdentity; results: BatchResponse<T> }>;
}

export function createScopedDatabase(database: DatabaseClient, options: ScopeOptions): ScopedDatabase {
  const { principal, tenantId, access, readOnly, requestId } = options;
  const user = principal.kind === "user" ? principal : null;
  const keyHash = principal.kind === "api_key" ? principal.keyHash : null;
  const begin = sql`${database.tag}select * from app.begin_request(
    ${tenantId}::uuid, ${user?.subject ?? null}, ${user?.email ?? null}, ${user?.name ?? null}, ${keyHash},
    ${access.role}, ${access.scope}, ${readOnly}, ${requestId})`;
  // Its own statement: the identity set by begin_request is visible from the next one on.
  const plan = sql`select plan from tenants where id = app.tenant_id()`;
  return {
    async batch<T extends BatchItem<"pg">[]>(build: (db: Database) => [...T]) {
      const { db } = database;
      const queries: [BatchItem<"pg">, ...BatchItem<"pg">[]] = [
        db.execute<BeginRow>(begin),
        db.execute<PlanRow>(plan),
        ...build(db),
      ];
      const [beginResult, planResult, ...results] = (await db.batch(queries)) as [
        { rows: BeginRow[] },
        { rows: PlanRow[] },
        ...unknown[],
      ];
      const row = beginResult.rows[0];
      if (!row) throw new Error("app.begin_request returned no row");
      const identity = {
        tenantId: row.tenant_id,
        userId: row.user_id,
        apiKeyId: row.api_key_id,
        role: row.role,
        plan: planResult.rows[0]?.plan ?? null,
      };
      options.onIdentity?.(identity);
      return { identity, results: results as BatchResponse<T> };
    },
  };
}
