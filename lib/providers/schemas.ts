import { z } from "zod";
import { API_TYPES, getApiType, type ApiType, type ApiTypeModule } from "./api-types";
import { parseModelLines } from "./model-lines";
import { text } from "@/lib/validation";

/**
 * Provider input, assembled from the API type modules: the fields every provider has
 * (key, name, models) plus the chosen type's own. Create and update are derived from the
 * same pieces, so the form and the REST API validate alike.
 */

export { API_TYPES, type ApiType };

export const apiTypeSchema = z.enum(API_TYPES, { error: `API type must be one of: ${API_TYPES.join(", ")}` });

/** Just the `apiType` of a create body, read first: it decides which fields the rest may have. */
export const apiTypeOfSchema = z.object({ apiType: apiTypeSchema }, { error: "Send a JSON object with an apiType" });

export const providerKeySchema = text("Key", { error: "Enter a key" })
  .trim()
  .toLowerCase()
  .min(2, "Key must be at least 2 characters")
  .max(63, "Key must be at most 63 characters")
  .regex(/^[a-z0-9][a-z0-9-]*$/, "Key may use lowercase letters, digits and dashes; it becomes /gateway/<key>/");

const nameSchema = text("Name", { error: "Enter a name" }).trim().min(1, "Enter a name").max(100, "Name must be at most 100 characters");

// A high half of a UTF-16 pair without its low half, or the reverse: not text Postgres
// or an upstream can store or compare.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const modelIdSchema = z
  .string({ error: "Model id must be text" })
  .trim()
  .min(1, "Model id cannot be empty")
  .max(200, "Model ids are at most 200 characters")
  .regex(/^[^\s\u0000-\u001f\u007f]+$/, "Model ids have no spaces or control characters")
  .refine((id) => !LONE_SURROGATE.test(id), "Model id holds a broken character (a lone UTF-16 surrogate)");

const price = (what: string) =>
  z
    .number({ error: `${what} must be a number (USD per million tokens)` })
    .nonnegative(`${what} cannot be negative`)
    .max(100_000, `${what} above 100000 USD per million tokens is surely a typo`)
    .optional();
const tokenLimit = (what: string) =>
  z.number({ error: `${what} must be a number of tokens` }).int(`${what} is a whole number of tokens`).positive(`${what} must be positive`).max(100_000_000).optional();

/** One model. Prices in USD per million tokens; limits in tokens. */
export const modelSchema = z.object({
  id: modelIdSchema,
  displayName: text("Display name").trim().min(1, "Display name cannot be empty").max(200, "Display names are at most 200 characters").optional(),
  contextWindow: tokenLimit("Context window"),
  maxTokens: tokenLimit("Max output tokens"),
  inputCostPerMTok: price("Input price"),
  outputCostPerMTok: price("Output price"),
  cachedInputCostPerMTok: price("Cached-input price"),
  cacheWriteCostPerMTok: price("Cache-write price"),
});

/**
 * The models of a provider of API type `spec`: an array of {@link modelSchema} objects, or
 * the form's text (see `model-lines.ts`), with errors naming the line. Ids are
 * normalised by the type (Cloudflare: `@cf/…` → `workers-ai/@cf/…`) and must be unique.
 */
export function modelsSchema(spec: ApiTypeModule) {
  return z.unknown().transform((value, ctx) => {
    let raw: unknown[];
    let lineOf: (index: number) => string;
    if (value === undefined || value === null) return [];
    if (typeof value === "string") {
      const { models, errors } = parseModelLines(value);
      for (const e of errors) ctx.addIssue({ code: "custom", message: `line ${e.line}: ${e.message}` });
      if (errors.length > 0) return z.NEVER;
      raw = models.map(({ line: _line, ...m }) => m);
      lineOf = (i) => `line ${models[i]!.line}: `;
    } else if (Array.isArray(value)) {
      raw = value;
      lineOf = (i) => `model ${i + 1}: `;
    } else {
      ctx.addIssue({ code: "custom", message: "Models are a list of { id, … } objects, or text with one model per line" });
      return z.NEVER;
    }
    if (raw.length > 500) {
      ctx.addIssue({ code: "custom", message: "At most 500 models" });
      return z.NEVER;
    }
    const out: z.output<typeof modelSchema>[] = [];
    const seen = new Set<string>();
    raw.forEach((entry, i) => {
      const parsed = modelSchema.safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: `${lineOf(i)}${issue.message}` });
        return;
      }
      const normalised = spec.normaliseModelId?.(parsed.data.id) ?? { id: parsed.data.id };
      if ("error" in normalised) return void ctx.addIssue({ code: "custom", message: `${lineOf(i)}${normalised.error}` });
      if (seen.has(normalised.id)) return void ctx.addIssue({ code: "custom", message: `${lineOf(i)}"${normalised.id}" is listed twice` });
      seen.add(normalised.id);
      out.push({ ...parsed.data, id: normalised.id });
    });
    return out;
  });
}

const createSchemas = new Map<string, z.ZodObject>();
const updateSchemas = new Map<string, z.ZodObject>();

/** The create body for a type: `{ apiType, key, name, models?, …the type's fields }`. */
export function createProviderSchema(apiType: ApiType) {
  let schema = createSchemas.get(apiType);
  if (!schema) {
    const spec = getApiType(apiType);
    schema = z.object({ apiType: z.literal(apiType), key: providerKeySchema, name: nameSchema, models: modelsSchema(spec).optional(), ...spec.fields.shape });
    createSchemas.set(apiType, schema);
  }
  return schema;
}

/**
 * The update body for a type: any of the create fields; omitted = unchanged. Secrets:
 * omitted or blank = keep, `null` = remove. Unknown fields are refused (a field of another
 * type is a mistake worth saying), and `apiType` may only repeat the current one.
 */
export function updateProviderSchema(apiType: ApiType) {
  let schema = updateSchemas.get(apiType);
  if (!schema) {
    const spec = getApiType(apiType);
    const own: Record<string, z.ZodType> = {};
    for (const [name, field] of Object.entries(spec.fields.partial().shape)) {
      own[name] = (spec.secretFields as readonly string[]).includes(name) ? z.union([z.null(), field as z.ZodType]).optional() : (field as z.ZodType);
    }
    schema = z.strictObject(
      {
        apiType: z.literal(apiType, { error: "The API type cannot change (the fields differ): add a new provider instead" }).optional(),
        key: providerKeySchema.optional(),
        name: nameSchema.optional(),
        models: modelsSchema(spec).optional(),
        ...own,
      },
      { error: (issue) => (issue.code === "unrecognized_keys" ? `Not a field of a ${spec.label} provider: ${issue.keys.join(", ")}` : undefined) },
    );
    updateSchemas.set(apiType, schema);
  }
  return schema;
}

/** What `POST /api/v1/providers` takes (loosely typed: each type adds its own fields). */
export type CreateProviderInput = { apiType: string; key: string; name: string; models?: unknown } & Record<string, unknown>;
/** What `PATCH /api/v1/providers/{id}` takes. */
export type UpdateProviderInput = Record<string, unknown>;
