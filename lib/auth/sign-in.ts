import { getConfig } from "@/lib/config";
import { assertBuiltInSignIn } from "@/lib/credentials/built-in-mode";
import { verifyPasskeySignIn } from "@/lib/credentials/passkeys";
import { verifyPassword } from "@/lib/credentials/passwords";
import { clearAttempts, countAttempt, exceededLimit, signInLimits } from "@/lib/credentials/rate-limit";
import { relyingParty } from "@/lib/credentials/relying-party";
import { createSession, endSessionByToken } from "@/lib/credentials/sessions";
import { AppError, parseOrThrow } from "@/lib/errors";
import { getUserById, getUserForLogin, isSetupRequired, setupFirstAdmin, touchLastLogin, type UserDTO } from "@/lib/users/queries";
import { loginSchema } from "@/lib/users/schemas";

/** Wrong username and wrong password read the same, so neither can be probed. */
export const BAD_CREDENTIALS = "Incorrect username or password";

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: { id: string; username: string; role: "admin" | "user" };
}

/**
 * Built-in sign-in with username (or email) and password. Failures are counted per
 * username (lib/credentials/rate-limit.ts); past the limit even the right password waits.
 * @param client.address the client's IP as best known (see `clientAddress`), for the per-client limit
 * @throws {AppError} forbidden (Cloudflare Access mode), validation, unauthenticated (one
 *   generic message), rate_limited (429).
 */
export async function signInWithPassword(
  input: { username?: unknown; password?: unknown },
  client: { userAgent?: string | null; address: string },
): Promise<SignedIn> {
  assertBuiltInSignIn("Password sign-in");
  const { username, password } = parseOrThrow(loginSchema, input);
  const limits = signInLimits(username, client.address);
  const blocked = await exceededLimit(limits);
  if (blocked) {
    const minutes = Math.ceil(blocked.retryAfterMs / 60_000);
    throw new AppError("rate_limited", `Too many failed sign-ins for this username; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`);
  }
  const user = await getUserForLogin({ username });
  const valid = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !valid) {
    await countAttempt(limits);
    throw new AppError("unauthenticated", BAD_CREDENTIALS);
  }
  await clearAttempts([limits[0]!.key]);
  const session = await createSession({ userId: user.id, userAgent: client.userAgent });
  await touchLastLogin({ userId: user.id });
  return { token: session.token, expiresAt: session.expiresAt, user: { id: user.id, username: user.username, role: user.role } };
}

/**
 * Sign-in with a passkey (no username: the passkey names its user). Verification is in
 * lib/credentials/passkeys.ts; this starts the session.
 * @param input `startAuthentication()`'s result, as the browser sent it
 * @throws {AppError} forbidden (Access mode; passkeys off), validation, unauthenticated.
 */
export async function signInWithPasskey(input: unknown, client: { userAgent?: string | null }): Promise<SignedIn> {
  const { userId } = await verifyPasskeySignIn({ input });
  const user = await getUserById({ id: userId });
  const session = await createSession({ userId, userAgent: client.userAgent });
  await touchLastLogin({ userId });
  return { token: session.token, expiresAt: session.expiresAt, user: { id: user.id, username: user.username, role: user.role } };
}

/**
 * First-run setup: the first admin, signed in at once.
 * @throws {AppError} forbidden (Cloudflare Access mode, or setup already done), validation.
 */
export async function completeSetup(input: { username?: unknown; password?: unknown; email?: unknown }, userAgent?: string | null): Promise<SignedIn & { admin: UserDTO }> {
  assertBuiltInSignIn("First-run setup");
  const admin = await setupFirstAdmin(input);
  const session = await createSession({ userId: admin.id, userAgent });
  await touchLastLogin({ userId: admin.id });
  return { token: session.token, expiresAt: session.expiresAt, user: { id: admin.id, username: admin.username, role: admin.role }, admin };
}

/** Ends the session a cookie token belongs to (no-op for unknown tokens). */
export async function signOut(token: string | undefined): Promise<void> {
  await endSessionByToken(token);
}

/** Public facts about sign-in, for `/api/v1/auth/config` and the login page. */
export interface AuthConfigDTO {
  mode: "builtin" | "cloudflare-access";
  cf_access_enabled: boolean;
  /** Where "sign out" goes: Cloudflare's logout in Access mode, else our logout endpoint. */
  logout_url: string;
  team_domain: string | null;
  password_login: boolean;
  /** Passkey sign-in is offered (built-in mode with a usable GATEHOUSE_PUBLIC_URL). */
  passkey_login: boolean;
}

export function getAuthConfig(): AuthConfigDTO {
  const cf = getConfig().cfAccess;
  return {
    mode: cf ? "cloudflare-access" : "builtin",
    cf_access_enabled: cf !== null,
    logout_url: cf ? cf.logoutUrl : "/api/v1/auth/logout",
    team_domain: cf?.teamDomain ?? null,
    password_login: cf === null,
    passkey_login: relyingParty().enabled,
  };
}

/** Whether the setup form should show: built-in mode and no users yet. */
export async function getSetupRequired(): Promise<boolean> {
  if (getConfig().cfAccess) return false;
  return isSetupRequired();
}
