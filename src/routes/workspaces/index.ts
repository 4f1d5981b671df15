import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createWorkspace } from "./create-workspace";
import { deleteWorkspace } from "./delete-workspace";
import { listWorkspaces } from "./list-workspaces";
import { updateWorkspace } from "./update-workspace";
import { addWorkspaceCompany, removeWorkspaceCompany } from "./workspace-companies";
import { assignWorkspaceMember, unassignWorkspaceMember } from "./workspace-members";

export const workspaceRoutes = new OpenAPIHono<AppEnv>()
  .route("/", listWorkspaces)
  .route("/", createWorkspace)
  .route("/", updateWorkspace)
  .route("/", deleteWorkspace)
  .route("/", assignWorkspaceMember)
  .route("/", unassignWorkspaceMember)
  .route("/", addWorkspaceCompany)
  .route("/", removeWorkspaceCompany);
