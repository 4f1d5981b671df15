import { z as openApiZod } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// The Worker's "zod" is src/zod/index.ts (wrangler.toml [alias]; the same alias in vitest.config.ts
// for these tests), so the suite runs the zod that production runs.
describe("the bundled zod", () => {
  it("is the one @hono/zod-openapi extends, without the translated messages", () => {
    expect(openApiZod).toBe(z);
    expect("locales" in z).toBe(false);
    expect("locales" in z.core).toBe(false);
    expect(typeof z.string().openapi).toBe("function");
  });

  it("still explains failures in English", () => {
    const result = z.object({ name: z.string().min(2) }).safeParse({ name: "x" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Too small: expected string to have >=2 characters");
  });
});
