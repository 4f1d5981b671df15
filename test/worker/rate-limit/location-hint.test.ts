import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { Env } from "../../../src/config/env";
import { signedIn } from "../factories";
import { callWithEnv, problemOf } from "../harness";

/** The real limiter namespace, noting the options each stub is asked for. */
function watchedNamespace() {
  const asked: (DurableObjectNamespaceGetDurableObjectOptions | undefined)[] = [];
  const real = env.RATE_LIMITER;
  const namespace = {
    idFromName: (name: string) => real.idFromName(name),
    get: (id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions) => {
      asked.push(options);
      return real.get(id, options);
    },
  } as unknown as Env["RATE_LIMITER"];
  return { namespace, asked };
}

describe("the limiter's location hint", () => {
  it("asks for every limiter object where RATE_LIMITER_LOCATION_HINT says", async () => {
    const member = await signedIn("viewer");
    const { namespace, asked } = watchedNamespace();
    const response = await callWithEnv({ RATE_LIMITER: namespace, RATE_LIMITER_LOCATION_HINT: "weur" }, "/v1/tenant", {
      headers: member.headers,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit")).toMatch(/^"free";r=\d+;t=\d+$/);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked).toEqual(asked.map(() => ({ locationHint: "weur" })));
  });

  it("leaves placement to the runtime when unset", async () => {
    const member = await signedIn("viewer");
    const { namespace, asked } = watchedNamespace();
    const response = await callWithEnv({ RATE_LIMITER: namespace }, "/v1/tenant", { headers: member.headers });
    expect(response.status).toBe(200);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((options) => options === undefined)).toBe(true);
  });

  it("refuses a value that is not a location hint as a misconfiguration, naming the variable in the log", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWithEnv({ RATE_LIMITER_LOCATION_HINT: "eu-west-2" }, "/health");
    expect(response.status).toBe(500);
    expect((await problemOf(response)).type).toBe("https://detecktiv.co.uk/problems/misconfigured");
    expect(errors.mock.calls.map((args) => String(args[0])).join("\n")).toContain("RATE_LIMITER_LOCATION_HINT");
    errors.mockRestore();
  });
});
