import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../../src/index";
import { isDeadLetterQueue } from "../../../src/jobs/queue";
import type { ScrapeMessage } from "../../../src/jobs/scrape/message";

const messages = [
  { id: "m1", timestamp: new Date(), attempts: 1, body: { jobId: "0b8e9a52-5c55-4d1f-9b43-1f2b1d1e0001" } },
  { id: "m2", timestamp: new Date(), attempts: 1, body: { jobId: "0b8e9a52-5c55-4d1f-9b43-1f2b1d1e0002" } },
];

describe("scrape queue consumers", () => {
  it("recognises dead-letter queues in every environment", () => {
    expect(isDeadLetterQueue("detecktiv-scrape-dlq")).toBe(true);
    expect(isDeadLetterQueue("detecktiv-scrape-dlq-staging")).toBe(true);
    expect(isDeadLetterQueue("detecktiv-scrape")).toBe(false);
    expect(isDeadLetterQueue("detecktiv-scrape-production")).toBe(false);
  });

  it("acknowledges dead letters of unknown jobs after logging their ids", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const batch = createMessageBatch<ScrapeMessage>("detecktiv-scrape-dlq", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    const logged = error.mock.calls.map((args) => String(args[0])).join("\n");
    expect(logged).toContain(messages[0]?.body.jobId);
    error.mockRestore();
  });
});
