import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { addWorkspaceCompany } from "./add-workspace-company";
import { assignWorkspaceMember } from "./assign-workspace-member";
import { createWorkspace } from "./create-workspace";
import { deleteWorkspace } from "./delete-workspace";
import { listWorkspaces } from "./list-workspaces";
import { removeWorkspaceCompany } from "./remove-workspace-company";
import { unassignWorkspaceMember } from "./unassign-workspace-member";
import { updateWorkspace } from "./update-workspace";

export const workspaceRoutes = new OpenAPIHono<AppEnv>()
  .route("/", listWorkspaces)
  .route("/", createWorkspace)
  .route("/", updateWorkspace)
  .route("/", deleteWorkspace)
  .route("/", assignWorkspaceMember)
  .route("/", unassignWorkspaceMember)
  .route("/", addWorkspaceCompany)
  .route("/", removeWorkspaceCompany);
