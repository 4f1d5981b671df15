import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { companySignals } from "../../db/schema/company-signals";
import { type RowOf, selectList } from "../../db/selection";
import { ApiError } from "../../errors/api-error";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { MAX_URL } from "../../scrape/extract";
import { MAX_EVIDENCE } from "../../scrape/technographics/detect";
import { EVIDENCE_SOURCES } from "../../scrape/technographics/evidence";
import { FINGERPRINTS, TECH_CATEGORIES } from "../../scrape/technographics/fingerprints";
import { MAX_PAGES_LISTED, MAX_PROFILE_LIST, SOCIAL_NETWORKS } from "../../scrape/web-profile";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { companyIdParamSchema } from "./schemas";

const urls = z.array(z.string().max(MAX_URL));

const technologySchema = z
  .object({
    slug: z.string().max(100),
    name: z.string().max(100),
    category: z.enum(TECH_CATEGORIES),
    confidence: z.number().int().min(1).max(100),
    evidence: z.array(z.object({ source: z.enum(EVIDENCE_SOURCES), value: z.string().max(200) })).max(MAX_EVIDENCE),
    source_url: z.string().max(MAX_URL),
    fetched_at: timestampSchema,
  })
  .openapi("Technology");

const webProfileSchema = z
  .object({
    title: z.string().max(500).nullable(),
    description: z.string().max(500).nullable(),
    canonical_url: z.string().max(MAX_URL).nullable(),
    open_graph: z.record(z.string().max(500), z.string().max(500)),
    social_profiles: z.partialRecord(z.enum(SOCIAL_NETWORKS), urls.max(MAX_PAGES_LISTED)),
    contact_pages: urls.max(MAX_PAGES_LISTED),
    careers_pages: urls.max(MAX_PAGES_LISTED),
    phones: z.array(z.string().max(16)).max(MAX_PROFILE_LIST),
    emails: z
      .array(z.string().max(320))
      .max(MAX_PROFILE_LIST)
      .openapi({ description: "Role addresses only (info@, sales@...)" }),
    source_url: z.string().max(MAX_URL),
    fetched_at: timestampSchema,
  })
  .openapi("WebProfile");

export const companySignalsSchema = z
  .object({
    company_id: z.uuid(),
    job_id: z.uuid().nullable().openapi({ description: "The scrape these signals come from; null before any" }),
    technologies: z.array(technologySchema).max(FINGERPRINTS.length),
    web_profile: webProfileSchema.nullable(),
  })
  .openapi("CompanySignals");

export const getCompanySignalsRoute = createRoute({
  method: "get",
  path: "/v1/companies/{id}/signals",
  operationId: "getCompanySignals",
  tags: ["Companies"],
  summary: "What the latest successful scrape found",
  description: "Technographics (each with evidence and confidence) and the web profile, with provenance.",
  ...v1Access({ role: "viewer", scope: "companies:read" }, { module: "technographics" }),
  request: { params: companyIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The signals", content: { "application/json": { schema: companySignalsSchema } } },
  },
});

/** What the signals body is made of, per signal row. */
const signalColumns = {
  jobId: companySignals.jobId,
  kind: companySignals.kind,
  name: companySignals.name,
  category: companySignals.category,
  confidence: companySignals.confidence,
  data: companySignals.data,
  sourceUrl: companySignals.sourceUrl,
  fetchedAt: companySignals.fetchedAt,
};

export const getCompanySignals = new OpenAPIHono<AppEnv>().openapi(getCompanySignalsRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [company, signals],
  } = await c.var.scoped.batch((db) => [
    db.execute(sql`select 1 from companies where id = ${id}`),
    db.execute<RowOf<typeof signalColumns>>(sql`select ${selectList(signalColumns)}
        from company_signals
       where job_id = (select j.id from scrape_jobs j where j.company_id = ${id} and j.status = 'succeeded'
                        order by j.finished_at desc, j.id desc limit 1)
       order by kind, category, name`),
  ]);
  if (company.rows.length === 0) throw new ApiError("not_found", "No company with that id in this tenant.");
  const technologies = signals.rows.flatMap((row) =>
    row.kind === "technology" && row.category !== null && row.confidence !== null
      ? [
          {
            slug: row.name,
            name: row.data.name ?? row.name,
            category: row.category,
            confidence: row.confidence,
            evidence: row.data.evidence ?? [],
            source_url: row.source_url,
            fetched_at: isoTimestamp(row.fetched_at),
          },
        ]
      : [],
  );
  const profile = signals.rows.find((row) => row.kind === "web_profile");
  return c.json(
    {
      company_id: id,
      job_id: signals.rows[0]?.job_id ?? null,
      technologies,
      web_profile: profile
        ? {
            title: profile.data.title ?? null,
            description: profile.data.description ?? null,
            canonical_url: profile.data.canonical_url ?? null,
            open_graph: profile.data.open_graph ?? {},
            social_profiles: profile.data.social_profiles ?? {},
            contact_pages: profile.data.contact_pages ?? [],
            careers_pages: profile.data.careers_pages ?? [],
            phones: profile.data.phones ?? [],
            emails: profile.data.emails ?? [],
            source_url: profile.source_url,
            fetched_at: isoTimestamp(profile.fetched_at),
          }
        : null,
    },
    200,
  );
});
