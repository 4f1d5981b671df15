import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { problemResponses } from "../../errors/problem";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { invite } from "./invite";
import { createdInvitationSchema, createInvitationBodySchema } from "./schemas";

export const createInvitationRoute = createRoute({
  method: "post",
  path: "/v1/invitations",
  operationId: "createInvitation",
  tags: ["Invitations"],
  summary: "Invite someone by email",
  description:
    "Creates a single-use invitation (valid for `INVITATION_TTL_DAYS`, default 7) and emails its link when an email provider is configured; otherwise the link comes back in this response, once. Inviting an address again replaces its open invitation. The answer is the same whether or not the address belongs to a Detecktiv user; 409 only when it is already a member's here.",
  ...v1Access({ role: "admin", scope: "members:write" }),
  request: { body: { required: true, content: { "application/json": { schema: createInvitationBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    201: {
      description: "Invited",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: createdInvitationSchema } },
    },
    ...problemResponses(409),
  },
});

export const createInvitation = new OpenAPIHono<AppEnv>().openapi(createInvitationRoute, async (c) => {
  const created = await invite(c.var, c.req.valid("json"));
  c.header("Location", `/v1/invitations/${created.id}`);
  return c.json(created, 201);
});
