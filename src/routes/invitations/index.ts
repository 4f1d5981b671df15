import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { acceptInvitation } from "./accept-invitation";
import { createInvitation } from "./create-invitation";
import { listInvitations } from "./list-invitations";
import { revokeInvitation } from "./revoke-invitation";

// accept first: its fixed path must not be read as an {id}.
export const invitationRoutes = new OpenAPIHono<AppEnv>()
  .route("/", acceptInvitation)
  .route("/", listInvitations)
  .route("/", createInvitation)
  .route("/", revokeInvitation);
