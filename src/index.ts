import { createApp } from "./app";
import type { Env } from "./config/env";
import { handleScheduled } from "./cron/scheduled";
import { handleQueue } from "./jobs/queue";
import type { ScrapeMessage } from "./jobs/scrape/message";

export { TenantRateLimiter } from "./rate-limit/tenant-rate-limiter";
export { HostThrottle } from "./scrape/host-throttle";
export { SecurityEventSink } from "./security-events/sink";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env, ScrapeMessage>;
