import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

/**
 * Built-in sign-in (passwords, passkeys, sessions) exists only without Cloudflare Access:
 * behind Access, Cloudflare is the only door, and every built-in sign-in endpoint answers 403.
 * @param what what was asked for, for the message ("Password sign-in", "Passkeys")
 * @throws {AppError} forbidden in Cloudflare Access mode.
 */
export function assertBuiltInSignIn(what: string): void {
  if (getConfig().cfAccess) {
    throw new AppError("forbidden", `${what} is turned off: Gatehouse is behind Cloudflare Access, so sign in through Cloudflare`);
  }
}
