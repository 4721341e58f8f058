import { describe, expect, it } from "vitest";
import { createKeySchema } from "@/lib/keys/schemas";
import { createUserSchema, loginSchema, setupSchema } from "@/lib/users/schemas";
import { parseStrictDate, strictDate, text } from "./validation";

describe("text fields", () => {
  const name = text("Name").trim().min(1, "Enter a name");

  it("normalises to NFC, so two spellings of one name are one value", () => {
    expect(name.parse("Cafe\u0301")).toBe("Caf\u00e9");
  });

  it.each([
    ["a NUL", "admin\u0000z", "NUL"],
    ["a control character", "ad\u0007min", "control character"],
    ["a line break in a one-line field", "a\nb", "control character"],
    ["a lone surrogate", "a\ud800", "lone UTF-16 surrogate"],
    ["only zero-width characters", "\u200b\u200c\u200d\ufeff", "only invisible"],
    ["zero-width and spaces", " \u200b \u2060 ", "only invisible"],
  ])("refuses %s with a message that names it", (_what, value, says) => {
    const r = name.safeParse(value);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain(says);
  });

  it("keeps line breaks in multi-line text, still refusing NUL", () => {
    const area = text("Models", { multiline: true });
    expect(area.parse("a\r\nb\tc")).toBe("a\r\nb\tc");
    expect(area.safeParse("a\u0000").success).toBe(false);
  });

  it("whitespace-only is blank, as before (the min() message, not 'invisible')", () => {
    expect(name.safeParse("   ").error!.issues[0]!.message).toBe("Enter a name");
  });

  it("the domain schemas refuse what the server actions used to strip (issue 13 #9)", () => {
    expect(setupSchema.safeParse({ username: "admin\u0000z", password: "long enough" }).success).toBe(false);
    expect(createUserSchema.safeParse({ username: "\u200b\u200b\u200b" }).success).toBe(false);
    expect(loginSchema.safeParse({ username: "admin", password: "pass\u0000word" }).success).toBe(false);
    expect(createKeySchema.safeParse({ name: "\u200b" }).success).toBe(false);
  });
});

describe("strict dates", () => {
  it.each(["2027-02-31", "2027-02-29", "2026-13-01", "2026-00-10", "2027-04-31", "2027-01-01T24:00:00Z", "2027-01-01T12:60Z", "2027-01-01T12:00:00+25:00", "tomorrow", "2027-1-1", "Jan 1 2027"])(
    "refuses %s",
    (value) => expect(parseStrictDate(value)).toBeNull(),
  );

  it("accepts days that exist, leap days in leap years, and ISO date-times with a zone", () => {
    expect(parseStrictDate("2028-02-29")?.toISOString()).toBe("2028-02-29T00:00:00.000Z");
    expect(parseStrictDate("2027-12-31", { dateOnly: "end-of-day" })?.toISOString()).toBe("2027-12-31T23:59:59.999Z");
    expect(parseStrictDate("2027-06-01T10:30:00+02:00")?.toISOString()).toBe("2027-06-01T08:30:00.000Z");
    expect(parseStrictDate("2027-06-01T10:30Z")?.toISOString()).toBe("2027-06-01T10:30:00.000Z");
  });

  it("blank means none; other types are refused", () => {
    const expiry = strictDate("Expiry");
    expect(expiry.parse("")).toBeUndefined();
    expect(expiry.parse(undefined)).toBeUndefined();
    expect(expiry.safeParse(1_900_000_000_000).success).toBe(false);
  });

  it("a key expiring on 2027-02-31 is refused, not stored as March 3rd (issue 13 #9)", () => {
    const r = createKeySchema.safeParse({ name: "ci", expiresAt: "2027-02-31" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["expiresAt"]);
  });

  it("duplicate allowed providers are stored once", () => {
    expect(createKeySchema.parse({ name: "ci", allowedProviders: ["openai", "openai", "anthropic"] }).allowedProviders).toEqual(["openai", "anthropic"]);
    expect(createKeySchema.parse({ name: "ci", allowedProviders: "openai, openai" }).allowedProviders).toEqual(["openai"]);
  });
});
