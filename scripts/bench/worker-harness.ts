import { join } from "node:path";
import { type Unstable_DevWorker, unstable_dev } from "wrangler";
import { ROOT } from "../lib/dev-vars";

export const BENCH_DIR = join(ROOT, ".bench");

/**
 * The Worker as `wrangler dev` runs it (workerd, its Durable Object, wrangler.toml), with the
 * given vars on top; requests go over local HTTP like a client's.
 */
export async function startWorker(vars: Record<string, string>): Promise<Unstable_DevWorker> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  process.env.WRANGLER_SEND_METRICS = "false";
  return unstable_dev(join(ROOT, "src/index.ts"), {
    config: join(ROOT, "wrangler.toml"),
    vars,
    ip: "127.0.0.1",
    logLevel: "error",
    persist: false,
    envFiles: [],
    experimental: { disableExperimentalWarning: true, disableDevRegistry: true },
  });
}
