import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { INVITATION_ROLES } from "../../db/schema/invitations";
import { problemResponses } from "../../errors/problem";
import { responseHeaders } from "../../openapi/headers";
import { invite } from "../invitations/invite";
import { createdInvitationSchema } from "../invitations/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const addMemberBodySchema = z
  .object({
    email: z.email().max(320),
    role: z.enum(INVITATION_ROLES),
  })
  .strict()
  .openapi("AddMember");

export const addMemberRoute = createRoute({
  method: "post",
  path: "/v1/members",
  operationId: "addMember",
  tags: ["Members"],
  summary: "Add a member (by invitation)",
  description:
    "Invites the address, exactly as `POST /v1/invitations` does: the person becomes a member when they accept. The answer (202, the invitation) is the same whether or not the address belongs to a Detecktiv user, so it tells nothing about other tenants' users. Beyond the plan's seat limit (members and open invitations): 402 `quota_exceeded` (metric `seats`). Adding by `user_id` is gone for the same reason; owners are made by transfer of ownership.",
  ...v1Access({ role: "admin", scope: "members:write" }),
  request: { body: { required: true, content: { "application/json": { schema: addMemberBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    202: {
      description: "Invited; a member once they accept",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: createdInvitationSchema } },
    },
    ...problemResponses(402, 409),
  },
});

export const addMember = new OpenAPIHono<AppEnv>().openapi(addMemberRoute, async (c) => {
  const created = await invite(c.var, c.req.valid("json"));
  c.header("Location", `/v1/invitations/${created.id}`);
  return c.json(created, 202);
});
