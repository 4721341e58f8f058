CREATE TABLE "spend_counters" (
	"subject" text PRIMARY KEY NOT NULL,
	"minute_start" timestamp with time zone NOT NULL,
	"minute_requests" integer DEFAULT 0 NOT NULL,
	"minute_tokens" bigint DEFAULT 0 NOT NULL,
	"day_start" timestamp with time zone NOT NULL,
	"day_cost_usd" numeric(20, 8) DEFAULT '0' NOT NULL,
	"week_start" timestamp with time zone NOT NULL,
	"week_cost_usd" numeric(20, 8) DEFAULT '0' NOT NULL,
	"month_start" timestamp with time zone NOT NULL,
	"month_cost_usd" numeric(20, 8) DEFAULT '0' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spend_limits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"virtual_key_id" uuid,
	"user_id" uuid,
	"budget_usd" numeric(14, 4),
	"budget_period" text,
	"requests_per_minute" integer,
	"tokens_per_minute" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spend_limits_subject_check" CHECK (("spend_limits"."virtual_key_id" is null) <> ("spend_limits"."user_id" is null)),
	CONSTRAINT "spend_limits_period_check" CHECK ("spend_limits"."budget_period" is null or "spend_limits"."budget_period" in ('day', 'week', 'month'))
);
--> statement-breakpoint
CREATE TABLE "usage_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"user_id" uuid,
	"virtual_key_id" uuid,
	"provider_key" text NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"limited" bigint DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 8) DEFAULT '0' NOT NULL,
	CONSTRAINT "usage_hourly_group" UNIQUE NULLS NOT DISTINCT("hour","user_id","virtual_key_id","provider_key","model")
);
--> statement-breakpoint
ALTER TABLE "spend_limits" ADD CONSTRAINT "spend_limits_virtual_key_id_virtual_keys_id_fk" FOREIGN KEY ("virtual_key_id") REFERENCES "public"."virtual_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spend_limits" ADD CONSTRAINT "spend_limits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "spend_limits_virtual_key_id_idx" ON "spend_limits" USING btree ("virtual_key_id");--> statement-breakpoint
CREATE UNIQUE INDEX "spend_limits_user_id_idx" ON "spend_limits" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "usage_hourly_user_id_idx" ON "usage_hourly" USING btree ("user_id","hour");--> statement-breakpoint
CREATE INDEX "usage_hourly_virtual_key_id_idx" ON "usage_hourly" USING btree ("virtual_key_id","hour");--> statement-breakpoint
CREATE INDEX "request_logs_virtual_key_id_idx" ON "request_logs" USING btree ("virtual_key_id","created_at");--> statement-breakpoint
CREATE INDEX "request_logs_provider_key_idx" ON "request_logs" USING btree ("provider_key","created_at");--> statement-breakpoint
CREATE INDEX "request_logs_model_idx" ON "request_logs" USING btree ("model","created_at");