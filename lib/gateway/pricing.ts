import type { ProviderModel } from "@/lib/db/schema";
import type { Usage } from "@/lib/providers/api-types";

/**
 * The price list entry for a model id an upstream answered with (or the client asked
 * for): the entry with exactly that id first; else the entry whose id is the **longest**
 * prefix of it, ending where the id's next character is a separator (`-`, `.`, `:`, `@`,
 * `/`, `_`), so dated ids (`gpt-4o-mini-2024-07-18`) find `gpt-4o-mini`, not `gpt-4o`,
 * whatever the order of the list, and `gpt-4o` never matches `gpt-4`.
 * @returns the entry, or null when none fits.
 */
export function findModelPrice(models: readonly ProviderModel[], id: string): ProviderModel | null {
  let best: ProviderModel | null = null;
  for (const m of models) {
    if (m.id === id) return m;
    if (id.length > m.id.length && id.startsWith(m.id) && SEPARATORS.has(id[m.id.length]!) && (best === null || m.id.length > best.id.length)) best = m;
  }
  return best;
}

const SEPARATORS = new Set(["-", ".", ":", "@", "/", "_"]);

/**
 * Cost of one call in USD, from the model's prices (USD per million tokens):
 * uncached input × input price + cached input × cached-input price + cache writes ×
 * cache-write price + completion (reasoning included) × output price. Cached and
 * cache-write prices default to the input price when the list has none.
 * @returns USD, or null when the model has no input price or no prompt count is known.
 */
export function costOf(models: readonly ProviderModel[], modelId: string | null, usage: Usage): number | null {
  if (modelId === null || usage.promptTokens === null) return null;
  const price = findModelPrice(models, modelId);
  if (!price || price.inputCostPerMTok === undefined) return null;
  const input = price.inputCostPerMTok;
  const cached = Math.min(usage.cachedTokens ?? 0, usage.promptTokens);
  const written = Math.min(usage.cacheWriteTokens ?? 0, usage.promptTokens - cached);
  const uncached = usage.promptTokens - cached - written;
  const usd =
    uncached * input +
    cached * (price.cachedInputCostPerMTok ?? input) +
    written * (price.cacheWriteCostPerMTok ?? input) +
    (usage.completionTokens ?? 0) * (price.outputCostPerMTok ?? 0);
  return usd / 1_000_000;
}
