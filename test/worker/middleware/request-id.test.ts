import { describe, expect, it } from "vitest";
import { call } from "../harness";

describe("X-Request-Id", () => {
  it("generates an id when the client sends none", async () => {
    const response = await call("/health");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes a well-formed client id", async () => {
    const response = await call("/health", { headers: { "X-Request-Id": "client-req-0001" } });
    expect(response.headers.get("x-request-id")).toBe("client-req-0001");
  });

  it.each([
    ["too short", "abc"],
    ["quote and comment", "x' */ drop table tenants; --"],
    ["too long", "a".repeat(129)],
  ])("replaces a malformed client id (%s)", async (_, id) => {
    const response = await call("/health", { headers: { "X-Request-Id": id } });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts the request id in problem bodies", async () => {
    const response = await call("/nowhere", { headers: { "X-Request-Id": "client-req-0002" } });
    const body = (await response.json()) as { request_id: string };
    expect(body.request_id).toBe("client-req-0002");
  });
});
