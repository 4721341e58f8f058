import { eq } from "drizzle-orm";
import { openSecretWith, sealSecretWith } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { providers } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";

/** The columns that hold sealed secrets (lib/crypto/secret-box). */
const SEALED_COLUMNS = ["apiKeyEncrypted", "gatewayTokenEncrypted"] as const;

/**
 * Re-encrypts every stored secret from `oldKey` to `newKey` in one transaction: either
 * every secret is under the new key afterwards, or (on any error) none is.
 * @returns how many secrets were re-encrypted, and in how many providers
 * @throws {AppError} validation when a secret cannot be opened with `oldKey` (naming the
 *   provider, never the value); nothing is changed then
 */
export async function rotateEncryptionKey({ oldKey, newKey }: { oldKey: Buffer; newKey: Buffer }): Promise<{ secrets: number; providers: number }> {
  if (newKey.length !== 32) throw new AppError("validation", "The new key must be 32 bytes (64 hex characters or base64)");
  if (newKey.equals(oldKey)) throw new AppError("validation", "The new key is the key in use; generate another (openssl rand -base64 32)");
  const db = await getDb();
  return db.transaction(async (tx) => {
    // FOR UPDATE: a provider saved meanwhile waits, rather than landing under the old key.
    const rows = await tx.select().from(providers).for("update");
    let secrets = 0;
    let touched = 0;
    for (const row of rows) {
      const set: Partial<Record<(typeof SEALED_COLUMNS)[number], string>> = {};
      for (const column of SEALED_COLUMNS) {
        const sealed = row[column];
        if (!sealed) continue;
        let plain: string;
        try {
          plain = openSecretWith(oldKey, sealed);
        } catch {
          throw new AppError("validation", `The ${column === "apiKeyEncrypted" ? "API key" : "gateway token"} of provider "${row.key}" cannot be opened with the current key; nothing was changed`);
        }
        set[column] = sealSecretWith(newKey, plain);
        secrets++;
      }
      if (Object.keys(set).length > 0) {
        await tx.update(providers).set(set).where(eq(providers.id, row.id));
        touched++;
      }
    }
    return { secrets, providers: touched };
  });
}
