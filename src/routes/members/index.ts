import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { addMember } from "./add-member";
import { listMembers } from "./list-members";
import { removeMember } from "./remove-member";
import { updateMember } from "./update-member";

export const memberRoutes = new OpenAPIHono<AppEnv>()
  .route("/", listMembers)
  .route("/", addMember)
  .route("/", updateMember)
  .route("/", removeMember);
