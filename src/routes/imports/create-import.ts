import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { Idempotency, idempotencyHeaderSchema, type StoredResponse } from "../../http/idempotency";
import { enqueueImport } from "../../imports/enqueue";
import { type ImportRowInput, MAX_IMPORT_ROWS, rowsFromCsv, rowsFromJson } from "../../imports/rows";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { IMPORT_COLUMNS, type ImportRow, importBody, importSchema } from "./schemas";

const jsonBodySchema = z
  .object({
    // Bounded in the document; the count (of both together) is checked by the route, so that too
    // many is the 422 that CSV gets as well, not a validation 400.
    company_numbers: z
      .array(z.string().max(2048))
      .optional()
      .openapi({ description: "UK company numbers", maxItems: MAX_IMPORT_ROWS }),
    websites: z
      .array(z.string().max(2048))
      .optional()
      .openapi({ description: "Website addresses or domains", maxItems: MAX_IMPORT_ROWS }),
  })
  .strict()
  .openapi("ImportRequest", { description: `At most ${MAX_IMPORT_ROWS} entries in all` });

export const createImportRoute = createRoute({
  method: "post",
  path: "/v1/imports",
  operationId: "createImport",
  tags: ["Imports"],
  summary: "Import companies in bulk",
  description:
    `Up to ${MAX_IMPORT_ROWS} company numbers and/or websites, as CSV (\`text/csv\`: a header row with a ` +
    "`company_number` and/or `website` column, RFC 4180 quoting, other columns ignored) or JSON. Rows are " +
    "checked at once: a malformed row is reported as that row's error and the others go on. The import then runs " +
    "on a queue within the shared Companies House budget (GET /v1/imports/{id} shows its progress): a company " +
    "number is imported from Companies House (one `companies_house_imports` each), a website finds or creates " +
    "the company by domain and queues a scrape of a new one (one `scrape_jobs` each). Companies already in the " +
    "book are reported as existing and cost nothing. More rows than allowed: 422, nothing created.",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: 10, module: "companies_house" }),
  request: {
    headers: idempotencyHeaderSchema,
    body: {
      required: false,
      content: {
        "application/json": { schema: jsonBodySchema },
        "text/csv": {
          schema: z.string().openapi({
            example: "company_number,website\n00000006,\n,acme.co.uk\n",
            maxLength: 100 * 1024 * 1024,
            description: "At most IMPORT_MAX_BODY_BYTES (4 MiB by default)",
          }),
        },
      },
    },
  },
  responses: {
    ...V1_PROBLEMS,
    202: {
      description: "Accepted: the import is queued (or, if every row was malformed, already completed)",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: importSchema } },
    },
    ...problemResponses(409, 413, 415, 422),
  },
});

/** JSON or CSV rows, and what identifies the body for an Idempotency-Key. */
async function rowsOf(type: string, json: () => z.infer<typeof jsonBodySchema>, text: () => Promise<string>) {
  if (/^application\/json\b/i.test(type)) {
    const body = json();
    return { rows: rowsFromJson(body), hashed: body };
  }
  if (/^text\/csv\b/i.test(type)) {
    const csv = await text();
    return { rows: rowsFromCsv(csv), hashed: { csv } };
  }
  throw new ApiError("unsupported_media_type", "Send the rows as text/csv or application/json.");
}

function insertStatements(id: string, rows: ImportRowInput[]) {
  const failed = rows.filter((row) => row.status === "failed").length;
  const completed = failed === rows.length;
  return {
    completed,
    importRow: sql`insert into imports (id, status, total, failed, requested_by, finished_at)
      values (${id}, ${completed ? "completed" : "queued"}, ${rows.length}, ${failed}, app.user_id(),
              ${completed ? sql`now()` : sql`null`})
      returning ${IMPORT_COLUMNS}`,
    rows: sql`insert into import_rows (import_id, row_number, kind, input, value, domain, website, status,
        problem_type, detail)
      select ${id}, r.row_number, r.kind, r.input, r.value, r.domain, r.website, r.status, r.problem_type, r.detail
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(row_number integer, kind text, input text, value text, domain text, website text, status text,
               problem_type text, detail text)`,
  };
}

export const createImport = new OpenAPIHono<AppEnv>().openapi(createImportRoute, async (c) => {
  const { rows, hashed } = await rowsOf(
    c.req.header("content-type") ?? "",
    // The validator runs for a JSON body only; the CSV body's schema is documentation.
    () => c.req.valid("json") as z.infer<typeof jsonBodySchema>,
    () => c.req.text(),
  );
  const idempotency = await Idempotency.of(c, c.req.valid("header")["idempotency-key"], hashed);
  const accepted = (row: ImportRow) => {
    c.header("Location", `/v1/imports/${row.id}`);
    return c.json(importBody(row), 202);
  };
  return idempotency.run(
    c,
    async () => {
      const id = crypto.randomUUID();
      const statements = insertStatements(id, rows);
      const [created] = await idempotency.batch(
        c,
        (db) => [db.execute<ImportRow>(statements.importRow), db.execute(statements.rows)],
        {
          status: 202,
          body: sql`(select to_jsonb(r) from (select ${IMPORT_COLUMNS} from imports where id = ${id}) r)`,
        },
      );
      const [row] = created.rows;
      if (!row) throw new Error("import not created");
      if (!statements.completed) await enqueueImport(c.env, c.var.logger, id);
      return accepted(row);
    },
    (stored: StoredResponse<ImportRow>) => accepted(stored.body),
  );
});
