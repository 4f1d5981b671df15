ALTER TABLE "tenants" ADD CONSTRAINT "tenants_purge_only_deleted" CHECK ("tenants"."purge_started_at" is null or "tenants"."deleted_at" is not null);--> statement-breakpoint
ALTER POLICY "audit_log_api_insert" ON "audit_log" TO app_api WITH CHECK ("audit_log"."tenant_id" = (select app.tenant_id()) and "audit_log"."actor_type" = (select app.actor_type())
        and "audit_log"."actor_id" is not distinct from (select app.actor_id())
        and "audit_log"."request_id" is not distinct from (select app.request_id()));