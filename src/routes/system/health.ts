import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";

export const healthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["System"],
  summary: "Liveness",
  description: "Answers as long as the Worker runs; touches no dependency.",
  security: [],
  responses: {
    200: { description: "The Worker is up", content: { "application/json": { schema: healthSchema } } },
  },
});

export const health = new OpenAPIHono<AppEnv>().openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
