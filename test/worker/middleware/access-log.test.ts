import { describe, expect, it, vi } from "vitest";
import { callWithEnv } from "../harness";

describe("access log", () => {
  it("writes one JSON line per request with method, path, status, duration and request id", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await callWithEnv({ LOG_LEVEL: "info" }, "/health?email=someone@example.com", {
      headers: { "X-Request-Id": "log-test-0001", Authorization: "Bearer eyJ.secret-token.sig" },
    });
    const lines = [...log.mock.calls, ...warn.mock.calls].map((args) => String(args[0]));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const entry = entries.find((e) => e.message === "request" && e.request_id === "log-test-0001");
    expect(entry).toMatchObject({ level: "info", method: "GET", path: "/health", route: "/health", status: 200 });
    expect(typeof entry?.duration_ms).toBe("number");
    const all = lines.join("\n");
    expect(all).not.toContain("secret-token");
    expect(all).not.toContain("someone@example.com");
    log.mockRestore();
    warn.mockRestore();
  });
});
