ALTER TABLE "request_logs" ADD COLUMN "outcome" text DEFAULT 'success' NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "error_code" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "limit_refused" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "ttfb_ms" integer;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "cache_write_tokens" integer;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "reasoning_tokens" integer;