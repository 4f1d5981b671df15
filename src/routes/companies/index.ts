import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { bulkAddCompanies } from "./bulk-add-companies";
import { createCompany } from "./create-company";
import { deleteCompany } from "./delete-company";
import { getCompany } from "./get-company";
import { getCompanySignals } from "./get-company-signals";
import { importCompany } from "./import-company";
import { listCompanies } from "./list-companies";
import { refreshCompany } from "./refresh-company";
import { restoreCompany } from "./restore-company";
import { updateCompany } from "./update-company";

export const companyRoutes = new OpenAPIHono<AppEnv>()
  // Before /v1/companies/{id} routes: "import" and "bulk" are not ids.
  .route("/", importCompany)
  .route("/", bulkAddCompanies)
  .route("/", refreshCompany)
  .route("/", listCompanies)
  .route("/", createCompany)
  .route("/", getCompany)
  .route("/", updateCompany)
  .route("/", deleteCompany)
  .route("/", restoreCompany)
  .route("/", getCompanySignals);
