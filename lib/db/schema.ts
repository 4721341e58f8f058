import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** People (and automation) who may use Gatehouse. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    username: text("username").notNull(),
    /** Stored lower-cased; unique ignoring case. Cloudflare Access maps the JWT `email` claim to this. */
    email: text("email"),
    /** argon2id PHC string; null for Cloudflare-only users. */
    passwordHash: text("password_hash"),
    role: text("role", { enum: ["admin", "user"] }).notNull().default("user"),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_username_lower_idx").on(sql`lower(${t.username})`),
    uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`),
    check("users_role_check", sql`${t.role} in ('admin', 'user')`),
  ],
);

/** Built-in sessions. `id` is the SHA-256 (hex) of the cookie token; the token itself is never stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    userAgent: text("user_agent"),
    /** Last request seen on this session, to the minute (written at most once a minute). */
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

/**
 * WebAuthn credentials (passkeys). The public key is the COSE key the authenticator
 * returned at registration; `counter` is its signature counter as last seen (0 for
 * authenticators that do not count, as synced passkeys do).
 */
export const passkeys = pgTable(
  "passkeys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Credential ID, base64url, as the authenticator gave it. */
    credentialId: text("credential_id").notNull(),
    /** COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    /** Hints the browser may use to reach the authenticator again (`internal`, `hybrid`, `usb`, …). */
    transports: text("transports").array().notNull().default(sql`'{}'::text[]`),
    /** `multiDevice` for synced passkeys. */
    deviceType: text("device_type", { enum: ["singleDevice", "multiDevice"] }).notNull(),
    backedUp: boolean("backed_up").notNull().default(false),
    /** Authenticator model (AAGUID); all zeros when the authenticator does not say. */
    aaguid: text("aaguid"),
    name: text("name").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("passkeys_credential_id_idx").on(t.credentialId),
    index("passkeys_user_id_idx").on(t.userId),
    check("passkeys_device_type_check", sql`${t.deviceType} in ('singleDevice', 'multiDevice')`),
  ],
);

/**
 * WebAuthn challenges between the two steps of a ceremony. In the database, not in process
 * memory, so any replica can finish a ceremony another began; single use (deleted when
 * consumed) and valid for 5 minutes. `userId` binds a registration to the signed-in user.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    /** base64url of 32 random bytes, exactly as sent to the browser. */
    challenge: text("challenge").primaryKey(),
    purpose: text("purpose", { enum: ["registration", "authentication"] }).notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webauthn_challenges_expires_at_idx").on(t.expiresAt), check("webauthn_challenges_purpose_check", sql`${t.purpose} in ('registration', 'authentication')`)],
);

/**
 * Cloudflare Access service tokens linked to a user. A service-token JWT carries no `email`,
 * only `common_name` = the token's Client ID; the link says whose rights it acts with.
 */
export const accessServiceTokens = pgTable(
  "access_service_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    clientId: text("client_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("access_service_tokens_client_id_idx").on(t.clientId), index("access_service_tokens_user_id_idx").on(t.userId)],
);

/**
 * Fixed-window counters shared by every replica (e.g. failed sign-ins per username).
 * `key` names what is counted; the window restarts when `window_start` is older than its length.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull().defaultNow(),
  count: integer("count").notNull().default(0),
});

/** One model a provider serves; costs in USD per million tokens. */
export interface ProviderModel {
  /** The id clients send as `model`. */
  id: string;
  /** Human-readable name for lists; defaults to the id. */
  displayName?: string;
  /** Context window, tokens. */
  contextWindow?: number;
  /** Largest answer, tokens. */
  maxTokens?: number;
  /** USD per million uncached input (prompt) tokens. */
  inputCostPerMTok?: number;
  /** USD per million output (completion) tokens, reasoning included. */
  outputCostPerMTok?: number;
  /** USD per million input tokens read from the prompt cache; unset = priced as input. */
  cachedInputCostPerMTok?: number;
  /** USD per million input tokens written to the prompt cache (Anthropic); unset = priced as input. */
  cacheWriteCostPerMTok?: number;
}

/** Upstream LLM APIs. Credentials are AES-256-GCM ciphertext (see lib/crypto/secret-box). */
export const providers = pgTable(
  "providers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** URL slug: `/gateway/<key>/…` */
    key: text("key").notNull(),
    name: text("name").notNull(),
    apiType: text("api_type").notNull(),
    baseUrl: text("base_url").notNull(),
    apiKeyEncrypted: text("api_key_encrypted"),
    /** Cloudflare AI Gateway token for authenticated gateways (`cf-aig-authorization`). */
    gatewayTokenEncrypted: text("gateway_token_encrypted"),
    /** The API type's non-secret settings (Cloudflare's auth mode, Azure's api-version); see lib/providers/api-types. */
    settings: jsonb("settings").$type<Record<string, string>>().notNull().default({}),
    models: jsonb("models").$type<ProviderModel[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("providers_key_idx").on(t.key)],
);

/** Gateway credentials handed to users. Only the SHA-256 of the secret is stored. */
export const virtualKeys = pgTable(
  "virtual_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    /** First characters of the secret, for recognising a key in lists (`gh_…a1b2`). */
    displayPrefix: text("display_prefix").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Provider keys this virtual key may use; empty means every provider. */
    allowedProviders: text("allowed_providers").array().notNull().default(sql`'{}'::text[]`),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("virtual_keys_key_hash_idx").on(t.keyHash), index("virtual_keys_user_id_idx").on(t.userId)],
);

/**
 * One row per gateway call.
 *
 * The key, user and provider ids carry no foreign keys, like usage_hourly's: a foreign key
 * made every logged row check and share-lock its user, key and provider rows (more than
 * half of PostgreSQL's CPU per row, measured by bench:gateway), and a batch holding a row
 * of a user deleted meanwhile (other processes keep a revoked key for up to 5 s) would fail
 * whole and be retried for ever. Deleting a user or provider detaches their rows instead
 * (lib/usage/queries.ts, `detachRequestLogs`); every reader left-joins, so a late row with a
 * departed id reads as detached too.
 */
export const requestLogs = pgTable(
  "request_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    virtualKeyId: uuid("virtual_key_id"),
    userId: uuid("user_id"),
    providerId: uuid("provider_id"),
    providerKey: text("provider_key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    model: text("model"),
    stream: boolean("stream").notNull().default(false),
    status: integer("status").notNull(),
    promptTokens: integer("prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    cachedTokens: integer("cached_tokens"),
    /** USD */
    costUsd: numeric("cost_usd", { precision: 14, scale: 8 }),
    latencyMs: integer("latency_ms").notNull(),
    errorExcerpt: text("error_excerpt"),
    createdAt: createdAt(),
    /**
     * How the call ended (see `RequestOutcome` in lib/usage): `success`, `upstream_error`,
     * `upstream_unreachable`, `upstream_timeout`, `body_too_large`, `client_disconnected`,
     * `refused` (at the door: unknown key, provider not allowed, …), `limited` (a budget or
     * rate limit; `limit_refused` says which).
     */
    outcome: text("outcome").notNull().default("success"),
    /** Machine-readable reason for a refusal or failure (`invalid_api_key`, `provider_not_found`, …). */
    errorCode: text("error_code"),
    /** The budget or limit that refused the call (`key_rpm`, `user_budget_month`, …). */
    limitRefused: text("limit_refused"),
    /** Time from receiving the call to the upstream's first byte, ms. */
    ttfbMs: integer("ttfb_ms"),
    /** Input tokens written to the provider's prompt cache (Anthropic `cache_creation_input_tokens`). */
    cacheWriteTokens: integer("cache_write_tokens"),
    /** Output tokens spent on reasoning (OpenAI `reasoning_tokens`), included in completion tokens. */
    reasoningTokens: integer("reasoning_tokens"),
  },
  (t) => [
    index("request_logs_created_at_idx").on(t.createdAt),
    index("request_logs_user_id_idx").on(t.userId, t.createdAt),
    // The Usage page's filters (key, provider, model) over a date range.
    index("request_logs_virtual_key_id_idx").on(t.virtualKeyId, t.createdAt),
    index("request_logs_provider_key_idx").on(t.providerKey, t.createdAt),
    index("request_logs_model_idx").on(t.model, t.createdAt),
  ],
);

/**
 * Budgets and rate limits of one virtual key or one user (exactly one of the two ids is
 * set). A user's limits hold across all of their keys. See lib/limits and docs/gateway.md.
 */
export const spendLimits = pgTable(
  "spend_limits",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    virtualKeyId: uuid("virtual_key_id").references(() => virtualKeys.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** USD per `budget_period`; null = no budget. */
    budgetUsd: numeric("budget_usd", { precision: 14, scale: 4 }),
    /** UTC calendar period of the budget: `day`, `week` (ISO, from Monday) or `month`. */
    budgetPeriod: text("budget_period", { enum: ["day", "week", "month"] }),
    /** Calls per UTC minute; null = unlimited. */
    requestsPerMinute: integer("requests_per_minute"),
    /** Prompt + completion tokens per UTC minute; null = unlimited. */
    tokensPerMinute: integer("tokens_per_minute"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("spend_limits_virtual_key_id_idx").on(t.virtualKeyId),
    uniqueIndex("spend_limits_user_id_idx").on(t.userId),
    check("spend_limits_subject_check", sql`(${t.virtualKeyId} is null) <> (${t.userId} is null)`),
    check("spend_limits_period_check", sql`${t.budgetPeriod} is null or ${t.budgetPeriod} in ('day', 'week', 'month')`),
  ],
);

/**
 * Shared counters behind the limits, one row per subject (`key:<uuid>` or `user:<uuid>`),
 * so every app process on the database counts together. The minute window and each budget
 * period restart when their `*_start` is older than the current UTC minute / day / week / month.
 */
export const spendCounters = pgTable("spend_counters", {
  subject: text("subject").primaryKey(),
  minuteStart: timestamp("minute_start", { withTimezone: true }).notNull(),
  minuteRequests: integer("minute_requests").notNull().default(0),
  minuteTokens: bigint("minute_tokens", { mode: "number" }).notNull().default(0),
  dayStart: timestamp("day_start", { withTimezone: true }).notNull(),
  dayCostUsd: numeric("day_cost_usd", { precision: 20, scale: 8 }).notNull().default("0"),
  weekStart: timestamp("week_start", { withTimezone: true }).notNull(),
  weekCostUsd: numeric("week_cost_usd", { precision: 20, scale: 8 }).notNull().default("0"),
  monthStart: timestamp("month_start", { withTimezone: true }).notNull(),
  monthCostUsd: numeric("month_cost_usd", { precision: 20, scale: 8 }).notNull().default("0"),
});

/**
 * request_logs summed per UTC hour, user, key, provider and model, kept by a trigger on
 * request_logs (migration 0006), so the Usage page's chart and breakdowns read thousands
 * of rows instead of millions. `model` is '' when the call had none.
 */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    userId: uuid("user_id"),
    virtualKeyId: uuid("virtual_key_id"),
    providerKey: text("provider_key").notNull(),
    model: text("model").notNull().default(""),
    requests: bigint("requests", { mode: "number" }).notNull().default(0),
    errors: bigint("errors", { mode: "number" }).notNull().default(0),
    limited: bigint("limited", { mode: "number" }).notNull().default(0),
    promptTokens: bigint("prompt_tokens", { mode: "number" }).notNull().default(0),
    completionTokens: bigint("completion_tokens", { mode: "number" }).notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 20, scale: 8 }).notNull().default("0"),
  },
  (t) => [
    unique("usage_hourly_group").on(t.hour, t.userId, t.virtualKeyId, t.providerKey, t.model).nullsNotDistinct(),
    index("usage_hourly_user_id_idx").on(t.userId, t.hour),
    index("usage_hourly_virtual_key_id_idx").on(t.virtualKeyId, t.hour),
  ],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Passkey = typeof passkeys.$inferSelect;
export type Provider = typeof providers.$inferSelect;
export type VirtualKey = typeof virtualKeys.$inferSelect;
export type RequestLog = typeof requestLogs.$inferSelect;
export type SpendLimitRow = typeof spendLimits.$inferSelect;
