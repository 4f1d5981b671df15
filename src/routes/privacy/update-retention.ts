import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { effectivePolicy, RETENTION_SETTING_NAMES, RETENTION_SETTINGS } from "../../privacy/retention";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { RETENTION_COLUMNS, RETENTION_SELECTION, retentionBody, type StoredPolicy } from "./retention-policy";
import { retentionSchema, retentionUpdateSchema } from "./schemas";

export const updateRetentionRoute = createRoute({
  method: "put",
  path: "/v1/privacy/retention",
  operationId: "updateRetentionPolicy",
  tags: ["Privacy"],
  summary: "Change retention periods",
  description:
    "Sets the given classes (null: back to the default); the others keep their value. Finished scrape jobs " +
    "cannot be kept for less time than scrape results (deleting a job deletes its results). Audited.",
  ...v1Access({ role: "admin", scope: "privacy:write" }),
  request: {
    body: { required: true, content: { "application/json": { schema: retentionUpdateSchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The policy in force", content: { "application/json": { schema: retentionSchema } } },
    ...problemResponses(422),
  },
});

interface UpdateOutcome extends StoredPolicy, Record<string, unknown> {
  consistent: boolean;
}

export const updateRetention = new OpenAPIHono<AppEnv>().openapi(updateRetentionRoute, async (c) => {
  const changes = c.req.valid("json");
  // The next policy: given values (null resets), else the stored ones. Written only if its
  // periods are consistent, so a refused change writes nothing.
  const next = sql.join(
    RETENTION_SETTING_NAMES.map((name) =>
      changes[name] === undefined
        ? sql`(select ${sql.identifier(name)} from current) as ${sql.identifier(name)}`
        : sql`${changes[name]}::integer as ${sql.identifier(name)}`,
    ),
    sql`, `,
  );
  const jobs = RETENTION_SETTINGS.scrape_jobs_days.default;
  const results = RETENTION_SETTINGS.scrape_results_days.default;
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<UpdateOutcome>(sql`with current as (select * from retention_policies),
      next as (select ${next}),
      checked as (
        select *, coalesce(scrape_jobs_days, ${jobs}) >= coalesce(scrape_results_days, ${results}) as consistent from next
      ),
      written as (
        insert into retention_policies (${RETENTION_COLUMNS})
        select ${RETENTION_COLUMNS} from checked where consistent
        on conflict (tenant_id) do update set ${sql.join(
          RETENTION_SETTING_NAMES.map((name) => sql`${sql.identifier(name)} = excluded.${sql.identifier(name)}`),
          sql`, `,
        )}
        returning ${RETENTION_SELECTION}
      )
      select w.*, true as consistent from written w
      union all
      select ${RETENTION_COLUMNS}, null, false from checked where not consistent`),
  ]);
  const [row] = result.rows;
  if (!row) throw new Error("retention update: no outcome");
  if (!row.consistent) {
    const effective = effectivePolicy(row);
    throw new ApiError("unprocessable", "Finished scrape jobs must be kept at least as long as scrape results.", {
      errors: [
        {
          field: "body.scrape_jobs_days",
          message: `at least scrape_results_days (${effective.scrape_results_days}): deleting a job deletes its results`,
        },
      ],
    });
  }
  return c.json(retentionBody(row), 200);
});
