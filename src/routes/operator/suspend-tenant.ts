import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import {
  OPERATOR_PROBLEMS,
  type OperatorTenantRow,
  operatorAccess,
  operatorTenantBody,
  operatorTenantSchema,
  reasonBody,
  tenantIdParams,
} from "./schemas";

const SEND_BATCH = 100;

function suspensionRoute(suspend: boolean) {
  return createRoute({
    method: "post",
    path: `/internal/tenants/{tenantId}/${suspend ? "suspend" : "unsuspend"}`,
    operationId: suspend ? "suspendTenant" : "unsuspendTenant",
    summary: suspend ? "Suspend a tenant" : "Lift a tenant's suspension",
    description: suspend
      ? "From the next request on, every request of the tenant's members and API keys answers 403 " +
        "`tenant_suspended` (decided by app.begin_request in the request's own round trip). Its scrape jobs " +
        "wait in the queue state (the consumer does not claim them), crons skip it. 409 if already suspended."
      : "The tenant's requests work again and its waiting scrape jobs are sent to the queue again. 409 if it is not suspended.",
    ...operatorAccess({ readOnly: false }),
    request: {
      params: tenantIdParams,
      body: { required: true, content: { "application/json": { schema: reasonBody } } },
    },
    responses: {
      ...OPERATOR_PROBLEMS,
      ...problemResponses(409),
      200: {
        description: "The tenant after the change",
        content: { "application/json": { schema: operatorTenantSchema } },
      },
    },
  });
}

export const suspendTenantRoute = suspensionRoute(true);
export const unsuspendTenantRoute = suspensionRoute(false);

type Changed = OperatorTenantRow & { queued_jobs: string[] };

function handler(suspend: boolean) {
  return new OpenAPIHono<AppEnv>().openapi(suspend ? suspendTenantRoute : unsuspendTenantRoute, async (c) => {
    const { tenantId } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    const {
      results: [result],
    } = await c.var.operator.batch((db) => [
      db.execute<{ tenant: Changed | null }>(
        sql`select app.operator_set_suspension(${tenantId}::uuid, ${suspend}, ${reason}) as tenant`,
      ),
    ]);
    const changed = result.rows[0]?.tenant;
    if (!changed) throw new ApiError("not_found", "No such tenant (or it is deleted).");
    const { queued_jobs: queued, ...tenant } = changed;
    // Jobs that waited out the suspension in Postgres: the consumer acknowledged their messages.
    for (let i = 0; i < queued.length; i += SEND_BATCH) {
      await c.env.SCRAPE_QUEUE.sendBatch(queued.slice(i, i + SEND_BATCH).map((jobId) => ({ body: { jobId } })));
    }
    return c.json(operatorTenantBody(tenant), 200);
  });
}

export const suspendTenant = handler(true);
export const unsuspendTenant = handler(false);
