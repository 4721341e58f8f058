import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "./secret-box";

describe("secrets at rest", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = sealSecret("sk-live-1234567890");
    expect(sealed).not.toContain("sk-live");
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(openSecret(sealed)).toBe("sk-live-1234567890");
  });

  it("uses a fresh IV every time", () => {
    expect(sealSecret("same")).not.toBe(sealSecret("same"));
  });

  it("detects tampering without echoing the value", () => {
    const sealed = sealSecret("sk-secret-value");
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered-ciphertext").toString("base64url");
    expect(() => openSecret(parts.join("."))).toThrow(/cannot be decrypted/);
    try {
      openSecret(parts.join("."));
    } catch (err) {
      expect((err as Error).message).not.toContain("sk-secret");
    }
    expect(() => openSecret("plaintext-key")).toThrow(/unknown format/);
  });
});
