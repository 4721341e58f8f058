import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";

/**
 * Secrets at rest (provider API keys, gateway tokens): AES-256-GCM with a 96-bit
 * random IV per value (NIST SP 800-38D). Stored as `v1.<iv>.<tag>.<ciphertext>`, base64url.
 *
 * The key is `GATEHOUSE_ENCRYPTION_KEY`; on the embedded default without one, a key is
 * generated once into `<dataDir>/encryption.key` (mode 0600) and a line says so.
 */
const VERSION = "v1";

let cachedKey: Buffer | null = null;

/** The key in use (loaded, or generated on the embedded default). */
export function currentEncryptionKey(): Buffer {
  return key();
}

function key(): Buffer {
  if (cachedKey) return cachedKey;
  const config = getConfig();
  if (config.encryptionKey) return (cachedKey = config.encryptionKey);
  const file = path.join(config.dataDir, "encryption.key");
  if (fs.existsSync(file)) {
    const buf = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
    if (buf.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return (cachedKey = buf);
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const fresh = randomBytes(32);
  fs.writeFileSync(file, fresh.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  log.info(`generated an encryption key for stored provider keys in ${file}; back it up with the data folder`);
  return (cachedKey = fresh);
}

/**
 * Loads the key now, generating it on the embedded default if there is none yet, so the
 * key file exists from the first start (and backups made before any provider include it).
 */
export function ensureEncryptionKey(): void {
  key();
}

/** Where the key in use comes from: the environment, or the embedded default's key file. */
export function encryptionKeySource(): { kind: "env" } | { kind: "file"; file: string } {
  const config = getConfig();
  return config.encryptionKey ? { kind: "env" } : { kind: "file", file: path.join(config.dataDir, "encryption.key") };
}

/** Uses `next` from now on in this process (after `rotate-encryption-key` committed). */
export function useEncryptionKey(next: Buffer): void {
  if (next.length !== 32) throw new Error("an encryption key is 32 bytes");
  cachedKey = next;
}

/** Encrypts a UTF-8 secret. Returns the storable string. */
export function sealSecret(plaintext: string): string {
  return sealSecretWith(key(), plaintext);
}

/** {@link sealSecret} under a given 32-byte key (key rotation). */
export function sealSecretWith(secretKey: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", secretKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/**
 * Decrypts a value from {@link sealSecret}.
 * @throws {Error} when the value is malformed or was sealed under another key
 *   (the message never contains the value).
 */
export function openSecret(sealed: string): string {
  return openSecretWith(key(), sealed);
}

/** {@link openSecret} under a given 32-byte key (key rotation). */
export function openSecretWith(secretKey: Buffer, sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("stored secret has an unknown format");
  try {
    const decipher = createDecipheriv("aes-256-gcm", secretKey, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("stored secret cannot be decrypted: was GATEHOUSE_ENCRYPTION_KEY changed?");
  }
}
