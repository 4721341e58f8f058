import { describe, expect, it } from "vitest";
import { formatModelLines, parseModelLines } from "./model-lines";

describe("models text", () => {
  it("reads every field and writes it back the same", () => {
    const text = ['gpt-4o-mini 0.15 0.6 0.075 name="GPT-4o mini" context=128k max=16384', "# a comment", "", "claude-sonnet-4-5 3 15 0.3 write=3.75", "plain-id"].join("\n");
    const { models, errors } = parseModelLines(text);
    expect(errors).toEqual([]);
    expect(models).toEqual([
      { line: 1, id: "gpt-4o-mini", inputCostPerMTok: 0.15, outputCostPerMTok: 0.6, cachedInputCostPerMTok: 0.075, displayName: "GPT-4o mini", contextWindow: 128000, maxTokens: 16384 },
      { line: 4, id: "claude-sonnet-4-5", inputCostPerMTok: 3, outputCostPerMTok: 15, cachedInputCostPerMTok: 0.3, cacheWriteCostPerMTok: 3.75 },
      { line: 5, id: "plain-id" },
    ]);
    const again = parseModelLines(formatModelLines(models.map(({ line: _l, ...m }) => m)));
    expect(again.models.map(({ line: _l, ...m }) => m)).toEqual(models.map(({ line: _l, ...m }) => m));
  });

  it("names the line of every problem", () => {
    const { errors } = parseModelLines(["ok 1 2", "gpt-4o 0.1 abc", 'x name="unclosed', "y 1 2 3 4", "z color=red", "w context=lots"].join("\n"));
    expect(errors).toEqual([
      { line: 2, message: 'output price "abc" is not a number' },
      { line: 3, message: "a quote is not closed" },
      { line: 4, message: expect.stringMatching(/^"4": at most three prices/) },
      { line: 5, message: expect.stringMatching(/^unknown option "color"/) },
      { line: 6, message: expect.stringMatching(/^context "lots" is not a whole number of tokens/) },
    ]);
  });

  it.each([
    "text-embedding-3-small 0.02",
    "gpt-4o 2.5 10",
    "o1 15 60 7.5 context=200000 max=100000",
    "tiny 0.0000001 0.00000025",
    'claude 3 15 0.3 name="Claude Sonnet" write=3.75',
    "workers-ai/@cf/meta/llama-3.1-8b-instruct",
    "free 0 0",
  ])("writes %s back exactly as it reads it", (line) => {
    const { models, errors } = parseModelLines(line);
    expect(errors).toEqual([]);
    expect(formatModelLines(models.map(({ line: _l, ...m }) => m))).toBe(line);
  });
});
