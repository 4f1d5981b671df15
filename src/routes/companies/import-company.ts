import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { problemResponses } from "../../errors/problem";
import { Idempotency, idempotencyHeaderSchema, type StoredResponse } from "../../http/idempotency";
import { responseHeaders } from "../../openapi/headers";
import { v1Access } from "../v1-route";
import { IMPORT_COST, type ImportResult, imported, importNumber, importResponses } from "./companies-house-import";
import { companyNumberSchema } from "./schemas";

export const importCompanyRoute = createRoute({
  method: "post",
  path: "/v1/companies/import",
  operationId: "importCompanyFromCompaniesHouse",
  tags: ["Companies"],
  summary: "Import a company from Companies House",
  description:
    "Fetches the profile, officers, persons with significant control, latest accounts filing, and (when the profile " +
    "says there are any) charges and insolvency cases, then creates or updates the company (by number), its active " +
    "officers and individual PSCs (as contacts, with lawful basis and provenance; erased people are skipped) and " +
    "records what changed since the last fetch, in one transaction: nothing is written if anything fails. Counts one `companies_house_imports` " +
    "against the plan's monthly quota (over it: 402, nothing written). Unknown number: 404; Companies House " +
    "unavailable: 503 with Retry-After; unreadable data: 502.",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: IMPORT_COST, module: "companies_house" }),
  request: {
    headers: idempotencyHeaderSchema,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ company_number: companyNumberSchema }).strict() } },
    },
  },
  responses: {
    ...importResponses,
    200: { ...importResponses[200], headers: responseHeaders("ETag", "Location") },
    ...problemResponses(422),
  },
});

export const importCompany = new OpenAPIHono<AppEnv>().openapi(importCompanyRoute, async (c) => {
  const input = c.req.valid("json");
  const idempotency = await Idempotency.of(c, c.req.valid("header")["idempotency-key"], input);
  return idempotency.run(
    c,
    async () => imported(c, await importNumber(c, input.company_number, idempotency), true),
    (stored: StoredResponse<ImportResult["body"]>) =>
      imported(c, { status: stored.status === 201 ? 201 : 200, body: stored.body }, true),
  );
});
