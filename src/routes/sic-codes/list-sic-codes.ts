import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { SIC_SECTION_LETTERS } from "../../reference/sic-2007";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const sicCodeSchema = z
  .object({
    code: z.string().max(5).openapi({ example: "62012" }),
    description: z.string().max(300).openapi({ example: "Business and domestic software development" }),
    section: z.enum(SIC_SECTION_LETTERS).openapi({ example: "J" }),
    section_title: z.string().max(200).openapi({ example: "Information and communication" }),
  })
  .openapi("SicCode");

export const listSicCodesQuerySchema = z.object({
  q: z.string().trim().min(1).max(100).optional().openapi({
    description: "A code prefix (`620`) or words of the description (`software`)",
  }),
  section: z
    .string()
    .trim()
    .max(1)
    .toUpperCase()
    .pipe(z.enum(SIC_SECTION_LETTERS))
    .optional()
    .openapi({ description: "A SIC 2007 section, A–U", example: "J" }),
});

export const listSicCodesRoute = createRoute({
  method: "get",
  path: "/v1/sic-codes",
  operationId: "listSicCodes",
  tags: ["Reference data"],
  summary: "UK SIC 2007 codes",
  description:
    "The five-digit codes Companies House uses, with their descriptions and sections (Open Government Licence). " +
    "The whole list is 731 codes, so it is one page.",
  ...v1Access({ role: "viewer", scope: "companies:read" }),
  request: { query: listSicCodesQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "Matching codes, in code order",
      content: { "application/json": { schema: z.object({ items: z.array(sicCodeSchema).max(731) }) } },
    },
  },
});

export const listSicCodes = new OpenAPIHono<AppEnv>().openapi(listSicCodesRoute, async (c) => {
  const { q, section } = c.req.valid("query");
  const filters: SQL[] = [sql`true`];
  if (section) filters.push(sql`c.section = ${section}`);
  if (q && /^\d{1,5}$/.test(q)) filters.push(sql`c.code >= ${q} and c.code < ${`${q}\u{10FFFF}`}`);
  else if (q) filters.push(sql`c.description ilike ${`%${q.replace(/[\\%_]/g, "\\$&")}%`}`);
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<z.infer<typeof sicCodeSchema>>(sql`select c.code, c.description, c.section, s.title as section_title
      from sic_codes c join sic_sections s using (section)
     where ${sql.join(filters, sql` and `)} order by c.code`),
  ]);
  return c.json({ items: result.rows }, 200);
});
