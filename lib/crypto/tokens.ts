import { hash, randomBytes } from "node:crypto";

/** `n` random bytes as base64url (n=32 → 43 characters, 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * SHA-256 hex of a high-entropy token. Fine for session tokens and virtual keys
 * (256-bit random, so no slow hash is needed); never use it for passwords. One-shot
 * `crypto.hash` (Node ≥ 20.12): a quarter of createHash's cost on the gateway's path.
 */
export function sha256Hex(value: string): string {
  return hash("sha256", value, "hex");
}
