import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { expectedMigration } from "../../db/migrations";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";

export const readySchema = z
  .object({
    status: z.literal("ready"),
    checks: z.object({
      database: z.literal("ok"),
      migrations: z.literal("current"),
      row_level_security: z.literal("enforced"),
    }),
    migration: z.string().max(100).openapi({ example: "0002_identity_functions" }),
  })
  .openapi("Ready");

export const readyRoute = createRoute({
  method: "get",
  path: "/ready",
  operationId: "getReadiness",
  tags: ["System"],
  summary: "Readiness",
  description:
    "One database round trip through the Neon HTTP driver: the database answers, every migration this build " +
    "expects is applied, and the connected role cannot bypass row-level security.",
  security: [],
  responses: {
    200: { description: "Ready to serve", content: { "application/json": { schema: readySchema } } },
    ...problemResponses(503),
  },
});

interface ReadinessRow extends Record<string, unknown> {
  applied: string | null;
  bypasses_rls: boolean | null;
}

const unavailable = (detail: string, checks: Record<string, string>, cause?: unknown) =>
  new ApiError("unavailable", detail, { cause, headers: { "retry-after": "5" }, extensions: { checks } });

export const ready = new OpenAPIHono<AppEnv>().openapi(readyRoute, async (c) => {
  const { logger } = c.var;
  const database = { db: c.var.database.readOnlyDb(), tag: c.var.database.tag };
  let row: ReadinessRow | undefined;
  try {
    const result = await database.db.execute<ReadinessRow>(sql`${database.tag}select
      (select max(created_at) from drizzle.__drizzle_migrations)::text as applied,
      (select rolsuper or rolbypassrls from pg_catalog.pg_roles where rolname = current_user) as bypasses_rls`);
    row = result.rows[0];
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    // 42P01 / 3F000: no migrations table yet; 42501: the role was never granted access to it.
    if (code === "42P01" || code === "3F000" || code === "42501") {
      throw unavailable("The database has no migrations applied.", { database: "ok", migrations: "missing" }, error);
    }
    logger.warn("readiness: database unreachable", { error_code: typeof code === "string" ? code : undefined });
    throw unavailable("The database cannot be reached.", { database: "unreachable" }, error);
  }
  if (!row?.applied || Number(row.applied) < expectedMigration.createdAt) {
    throw unavailable(`The database is behind: migration ${expectedMigration.tag} is not applied.`, {
      database: "ok",
      migrations: "behind",
    });
  }
  if (row.bypasses_rls !== false) {
    logger.error("readiness: the database role bypasses row-level security");
    throw unavailable("The database role can bypass row-level security; refusing to serve.", {
      database: "ok",
      migrations: "current",
      row_level_security: "bypassed",
    });
  }
  return c.json(
    {
      status: "ready" as const,
      checks: { database: "ok" as const, migrations: "current" as const, row_level_security: "enforced" as const },
      migration: expectedMigration.tag,
    },
    200,
  );
});
