import { describe, expect, it } from "vitest";
import { limitsSchema } from "@/lib/limits/schemas";
import { updateKeySchema } from "./schemas";

describe("a key's change (PATCH /api/v1/keys/{id})", () => {
  it("leaves out what is not given: no expiresAt means the expiry stays", () => {
    expect(updateKeySchema.parse({ name: "renamed" })).toEqual({ name: "renamed" });
    expect(updateKeySchema.parse({})).toEqual({});
  });

  it("clears the expiry with null or blank, and refuses a past one", () => {
    expect(updateKeySchema.parse({ expiresAt: null }).expiresAt).toBeNull();
    expect(updateKeySchema.parse({ expiresAt: " " }).expiresAt).toBeNull();
    const past = updateKeySchema.safeParse({ expiresAt: "2020-01-01" });
    expect(past.success).toBe(false);
    expect(past.error?.issues[0]?.message).toBe("Expiry must be in the future");
  });
});

describe("budgets", () => {
  it("refuses a budget too small to store (it would be kept as $0 and refuse every call)", () => {
    const tiny = limitsSchema.safeParse({ budgetUsd: 0.00001, budgetPeriod: "day" });
    expect(tiny.success).toBe(false);
    expect(tiny.error?.issues[0]?.message).toMatch(/at least \$0\.0001/);
    expect(limitsSchema.parse({ budgetUsd: 0.0001, budgetPeriod: "day" }).budgetUsd).toBe(0.0001);
    expect(limitsSchema.parse({ budgetUsd: 0 }).budgetUsd).toBe(0);
  });
});
