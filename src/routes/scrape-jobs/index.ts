import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createScrapeJob } from "./create-scrape-job";
import { getScrapeJob } from "./get-scrape-job";
import { listScrapeJobs } from "./list-scrape-jobs";
import { retryScrapeJob } from "./retry-scrape-job";

export const scrapeJobRoutes = new OpenAPIHono<AppEnv>()
  .route("/", createScrapeJob)
  .route("/", listScrapeJobs)
  .route("/", getScrapeJob)
  .route("/", retryScrapeJob);
