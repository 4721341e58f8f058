-- The key, user and provider ids of request_logs lose their foreign keys (see lib/db/schema.ts,
-- requestLogs): deleting a user or provider detaches their rows in its own transaction.
ALTER TABLE "request_logs" DROP CONSTRAINT "request_logs_virtual_key_id_virtual_keys_id_fk";
--> statement-breakpoint
ALTER TABLE "request_logs" DROP CONSTRAINT "request_logs_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "request_logs" DROP CONSTRAINT "request_logs_provider_id_providers_id_fk";
