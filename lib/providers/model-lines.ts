import type { ProviderModel } from "@/lib/db/schema";

/**
 * The provider form's models text: one model per line,
 *
 *     id [input [output [cached-input]]] [name="Display name"] [context=N] [max=N] [write=P]
 *
 * prices in USD per million tokens, `context` and `max` in tokens (`128k`, `1m` allowed),
 * `write` the cache-write price. `#` starts a comment line. For example:
 *
 *     gpt-4o-mini 0.15 0.60 0.075 name="GPT-4o mini" context=128k max=16384
 *     claude-sonnet-4-5 3 15 0.30 write=3.75
 *
 * Pure (no zod, no server code): the form formats with it and the schema parses with it.
 */

/** One problem, with the 1-based line number it is on. */
export interface ModelLineError {
  line: number;
  message: string;
}

/** A model as read from one line, before validation of its id and numbers by the schema. */
export type ParsedModelLine = { line: number } & ProviderModel;

const OPTION_KEYS = { name: "displayName", context: "contextWindow", max: "maxTokens", write: "cacheWriteCostPerMTok" } as const;
const PRICE_NAMES = ["input price", "output price", "cached-input price"] as const;
const PRICE_FIELDS = ["inputCostPerMTok", "outputCostPerMTok", "cachedInputCostPerMTok"] as const;

/** Splits a line into words; `"…"` keeps spaces (in `name="…"`). Null when a quote is not closed. */
function words(line: string): string[] | null {
  const out: string[] = [];
  const re = /([^\s"=]+=)"([^"]*)"|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(line)) !== null) {
    if (/"/.test(m[4] ?? "")) return null;
    out.push(m[1] !== undefined ? `${m[1]}${m[2]}` : (m[3] ?? m[4])!);
    consumed = re.lastIndex;
  }
  return line.slice(consumed).trim() === "" ? out : null;
}

function price(word: string): number | null {
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(word)) return null;
  return Number(word);
}

function tokens(word: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(word);
  if (!m) return null;
  const n = Number(m[1]) * (m[2]!.toLowerCase() === "k" ? 1_000 : m[2]!.toLowerCase() === "m" ? 1_000_000 : 1);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Parses the models text. Every line with a problem is reported (`line 3: price "abc" is
 * not a number`), not only the first; blank lines and `#` comments are skipped.
 */
export function parseModelLines(text: string): { models: ParsedModelLine[]; errors: ModelLineError[] } {
  const models: ParsedModelLine[] = [];
  const errors: ModelLineError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const parts = words(trimmed);
    if (!parts || parts.length === 0) return void errors.push({ line, message: "a quote is not closed" });
    const [id, ...rest] = parts as [string, ...string[]];
    const model: ParsedModelLine = { line, id };
    let position = 0;
    for (const word of rest) {
      const eq = word.indexOf("=");
      if (eq > 0) {
        const key = word.slice(0, eq).toLowerCase();
        const value = word.slice(eq + 1);
        const field = OPTION_KEYS[key as keyof typeof OPTION_KEYS];
        if (!field) return void errors.push({ line, message: `unknown option "${key}" (use name=, context=, max=, write=)` });
        if (field === "displayName") {
          if (value.trim() === "") return void errors.push({ line, message: "name is empty" });
          model.displayName = value.trim();
        } else if (field === "cacheWriteCostPerMTok") {
          const p = price(value);
          if (p === null) return void errors.push({ line, message: `cache-write price "${value}" is not a number` });
          model.cacheWriteCostPerMTok = p;
        } else {
          const t = tokens(value);
          if (t === null) return void errors.push({ line, message: `${key} "${value}" is not a whole number of tokens (e.g. 128000 or 128k)` });
          model[field] = t;
        }
        continue;
      }
      if (position >= PRICE_FIELDS.length) return void errors.push({ line, message: `"${word}": at most three prices (input, output, cached input), then name=, context=, max=, write=` });
      const p = price(word);
      if (p === null) return void errors.push({ line, message: `${PRICE_NAMES[position]} "${word}" is not a number` });
      model[PRICE_FIELDS[position]!] = p;
      position++;
    }
    models.push(model);
  });
  return { models, errors };
}

/** A number as the parser reads it back: never exponent notation (`1e-7` is not a price the parser takes). */
function formatNumber(n: number): string {
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(20).replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** One model back into its line (the inverse of {@link parseModelLines}). */
export function formatModelLine(m: ProviderModel): string {
  const parts = [m.id];
  const prices = [m.inputCostPerMTok, m.outputCostPerMTok, m.cachedInputCostPerMTok];
  const last = prices.reduce<number>((at, p, i) => (p !== undefined ? i : at), -1);
  for (let i = 0; i <= last; i++) parts.push(formatNumber(prices[i] ?? 0));
  if (m.displayName !== undefined && m.displayName !== m.id) parts.push(`name="${m.displayName.replace(/"/g, "'")}"`);
  if (m.contextWindow !== undefined) parts.push(`context=${m.contextWindow}`);
  if (m.maxTokens !== undefined) parts.push(`max=${m.maxTokens}`);
  if (m.cacheWriteCostPerMTok !== undefined) parts.push(`write=${formatNumber(m.cacheWriteCostPerMTok)}`);
  return parts.join(" ");
}

/** Models back into the form's text. */
export function formatModelLines(models: readonly ProviderModel[]): string {
  return models.map(formatModelLine).join("\n");
}
