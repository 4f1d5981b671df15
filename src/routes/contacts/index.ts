import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createContact, listCompanyContacts } from "./company-contacts";
import { deleteContact, getContact, updateContact } from "./contact";

export const contactRoutes = new OpenAPIHono<AppEnv>()
  .route("/", listCompanyContacts)
  .route("/", createContact)
  .route("/", getContact)
  .route("/", updateContact)
  .route("/", deleteContact);
