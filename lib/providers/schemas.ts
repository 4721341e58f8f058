import { z } from "zod";
import { blankToUndefined } from "@/lib/users/schemas";
import { ACCOUNT_ID_PATTERN, GATEWAY_ID_PATTERN } from "./cloudflare-ai-gateway";

export const API_TYPES = ["openai-completions", "cloudflare-ai-gateway"] as const;
export type ApiType = (typeof API_TYPES)[number];

export const apiTypeSchema = z.enum(API_TYPES, { error: `API type must be one of: ${API_TYPES.join(", ")}` });

export const providerKeySchema = z
  .string({ error: "Enter a key" })
  .trim()
  .toLowerCase()
  .min(2, "Key must be at least 2 characters")
  .max(63, "Key must be at most 63 characters")
  .regex(/^[a-z0-9][a-z0-9-]*$/, "Key may use lowercase letters, digits and dashes; it becomes /gateway/<key>/");

const costSchema = z.number().nonnegative("Costs cannot be negative").max(100_000).optional();

export const modelSchema = z.object({
  id: z.string().trim().min(1, "Model id cannot be empty").max(200).regex(/^\S+$/, "Model ids have no spaces"),
  contextWindow: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  /** USD per million prompt tokens */
  inputCostPerMTok: costSchema,
  /** USD per million completion tokens */
  outputCostPerMTok: costSchema,
});

/**
 * Models as JSON objects, or (from forms) text with one model per line:
 * `id [input-USD-per-M output-USD-per-M]`, e.g. `gpt-4o-mini 0.15 0.60`.
 */
export const modelsSchema = z.preprocess((v) => {
  if (typeof v !== "string") return v ?? [];
  return v
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [id, input, output] = line.split(/\s+/);
      const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
      return { id, inputCostPerMTok: num(input), outputCostPerMTok: num(output) };
    });
}, z.array(modelSchema).max(500, "At most 500 models").refine((models) => new Set(models.map((m) => m.id)).size === models.length, "Each model id may appear once"));

const baseUrlSchema = z
  .string({ error: "Enter the base URL" })
  .trim()
  .min(1, { message: "Enter the base URL", abort: true })
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, "Enter an http(s) URL without credentials or query, like https://api.openai.com/v1")
  .transform((v) => v.replace(/\/+$/, ""));

const secretSchema = (label: string) => z.preprocess(blankToUndefined, z.string().trim().min(1).max(4096, `${label} is too long`).optional());

const common = {
  key: providerKeySchema,
  name: z.string({ error: "Enter a name" }).trim().min(1, "Enter a name").max(100, "Name must be at most 100 characters"),
  models: modelsSchema,
  apiKey: secretSchema("API key"),
};

export const accountIdSchema = z
  .string({ error: "Enter the Account ID" })
  .trim()
  .regex(ACCOUNT_ID_PATTERN, "Account ID is 32 hexadecimal characters (Cloudflare dashboard → Account home → Account ID)");
export const gatewayIdSchema = z
  .string({ error: "Enter the Gateway name" })
  .trim()
  .regex(GATEWAY_ID_PATTERN, "Gateway is the gateway's id: letters, digits, - and _ (AI → AI Gateway in the dashboard)");

export const createProviderSchema = z.discriminatedUnion(
  "apiType",
  [
    z.object({ ...common, apiType: z.literal("openai-completions"), baseUrl: baseUrlSchema }),
    z.object({
      ...common,
      apiType: z.literal("cloudflare-ai-gateway"),
      accountId: accountIdSchema,
      gatewayId: gatewayIdSchema,
      gatewayToken: secretSchema("Gateway token"),
    }),
  ],
  { error: `API type must be one of: ${API_TYPES.join(", ")}` },
);
export type CreateProviderInput = z.input<typeof createProviderSchema>;

/**
 * Updates keep what is not sent. Secrets: omitted or blank = keep, `null` = remove.
 * The API type cannot change (the fields differ); make a new provider instead.
 */
export const updateProviderSchema = z.object({
  key: providerKeySchema.optional(),
  name: common.name.optional(),
  models: modelsSchema.optional(),
  baseUrl: baseUrlSchema.optional(),
  accountId: accountIdSchema.optional(),
  gatewayId: gatewayIdSchema.optional(),
  apiKey: z.union([z.null(), secretSchema("API key")]).optional(),
  gatewayToken: z.union([z.null(), secretSchema("Gateway token")]).optional(),
});
export type UpdateProviderInput = z.input<typeof updateProviderSchema>;
