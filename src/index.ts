import { createApp } from "./app";
import type { Env } from "./config/env";
import { handleScheduled } from "./cron/scheduled";
import { handleQueue, type QueueMessage } from "./jobs/queue";

export { TenantRateLimiter } from "./rate-limit/tenant-rate-limiter";
export { HostThrottle } from "./scrape/host-throttle";
export { SecurityEventSink } from "./security-events/sink";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env, QueueMessage>;
