import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createContact } from "./create-contact";
import { deleteContact } from "./delete-contact";
import { getContact } from "./get-contact";
import { listCompanyContacts } from "./list-company-contacts";
import { updateContact } from "./update-contact";

export const contactRoutes = new OpenAPIHono<AppEnv>()
  .route("/", listCompanyContacts)
  .route("/", createContact)
  .route("/", getContact)
  .route("/", updateContact)
  .route("/", deleteContact);
