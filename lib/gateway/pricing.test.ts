import { describe, expect, it } from "vitest";
import { emptyUsage } from "@/lib/providers/api-types";
import { costOf, findModelPrice } from "./pricing";

const usage = (prompt: number, completion: number, extra: Partial<ReturnType<typeof emptyUsage>> = {}) => ({ ...emptyUsage(), promptTokens: prompt, completionTokens: completion, ...extra });

describe("model prices", () => {
  const models = [
    { id: "gpt-4o", inputCostPerMTok: 2.5, outputCostPerMTok: 10 },
    { id: "gpt-4o-mini", inputCostPerMTok: 0.15, outputCostPerMTok: 0.6 },
    { id: "gpt-4", inputCostPerMTok: 30, outputCostPerMTok: 60 },
  ];

  it.each([
    ["gpt-4o-mini", "gpt-4o-mini"],
    ["gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["gpt-4o", "gpt-4o"],
    ["gpt-4-0613", "gpt-4"],
  ])("%s is priced as %s, whatever the order of the list", (id, expected) => {
    expect(findModelPrice(models, id)?.id).toBe(expected);
    expect(findModelPrice([...models].reverse(), id)?.id).toBe(expected);
  });

  it("does not match a prefix that is not a whole part of the id", () => {
    expect(findModelPrice([{ id: "gpt-4" }], "gpt-4o")).toBeNull();
    expect(findModelPrice(models, "o1")).toBeNull();
  });

  it("prices a gpt-4o-mini call listed after gpt-4o at gpt-4o-mini's prices (the issue's example)", () => {
    expect(costOf(models, "gpt-4o-mini", usage(9, 1))).toBeCloseTo((9 * 0.15 + 1 * 0.6) / 1e6, 12);
    expect(costOf(models, "gpt-4o", usage(9, 1))).toBeCloseTo(0.0000325, 12);
  });

  it("prices cached input and cache writes apart, defaulting to the input price", () => {
    const priced = [{ id: "claude-x", inputCostPerMTok: 3, outputCostPerMTok: 15, cachedInputCostPerMTok: 0.3, cacheWriteCostPerMTok: 3.75 }];
    // 1000 prompt tokens: 600 read from cache, 100 written to it, 300 uncached.
    expect(costOf(priced, "claude-x", usage(1000, 10, { cachedTokens: 600, cacheWriteTokens: 100 }))).toBeCloseTo((300 * 3 + 600 * 0.3 + 100 * 3.75 + 10 * 15) / 1e6, 12);
    expect(costOf([{ id: "m", inputCostPerMTok: 2, outputCostPerMTok: 4 }], "m", usage(100, 0, { cachedTokens: 50 }))).toBeCloseTo((100 * 2) / 1e6, 12);
  });

  it("has no cost without a price, a model or a prompt count", () => {
    expect(costOf([{ id: "m" }], "m", usage(1, 1))).toBeNull();
    expect(costOf(models, null, usage(1, 1))).toBeNull();
    expect(costOf(models, "gpt-4o", { ...emptyUsage(), completionTokens: 3 })).toBeNull();
  });
});
