import { describe, expect, it } from "vitest";
import { formatUsd } from "./money";

describe("formatUsd", () => {
  it.each([
    [0, "$0.00"],
    [0.5, "$0.50"],
    [0.1, "$0.10"],
    [0.0002, "$0.0002"],
    [0.000073, "$0.000073"],
    [0.0234567, "$0.0235"],
    [0.00000012, "$0.00000012"],
    [0.999999, "$1.00"],
    [1, "$1.00"],
    [12, "$12.00"],
    [1234.5678, "$1,234.57"],
    [null, "—"],
    [undefined, "—"],
    [Number.NaN, "—"],
  ])("%s → %s", (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });

  it("keeps sub-cent totals and rows in one format", () => {
    // A total and one of its rows: both keep their significant digits.
    expect([formatUsd(0.0002), formatUsd(0.000073)]).toEqual(["$0.0002", "$0.000073"]);
  });
});
