import { and, asc, count, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { changeCredentials } from "@/lib/credentials/changes";
import { hashPassword, storePasswordHash } from "@/lib/credentials/passwords";
import { principalUserColumns } from "@/lib/credentials/sessions";
import { getDb, type Db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { asUuid } from "@/lib/db/ids";
import { accessServiceTokens, users, type User } from "@/lib/db/schema";
import { AppError, conflict, parseOrThrow, uniqueViolation, validationError, type FieldErrors } from "@/lib/errors";
import { forgetGatewayKeys } from "@/lib/gateway/lookup-cache";
import { deleteSpendCountersOfUser } from "@/lib/limits/queries";
import { detachRequestLogs } from "@/lib/usage/queries";
import {
  blankToUndefined,
  createUserSchema,
  resetPasswordSchema,
  serviceTokenLinkSchema,
  setupSchema,
  updateUserSchema,
  type CreateUserInput,
  type UpdateUserInput,
} from "./schemas";

/** What pages and the API may show of a user: never the password hash. */
export interface UserDTO {
  id: string;
  username: string;
  email: string | null;
  role: "admin" | "user";
  hasPassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  serviceTokens: ServiceTokenDTO[];
}

export interface ServiceTokenDTO {
  id: string;
  clientId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

function toDTO(u: User, tokens: ServiceTokenDTO[] = []): UserDTO {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    role: u.role,
    hasPassword: u.passwordHash !== null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    serviceTokens: tokens,
  };
}

// Keys for pg_advisory_xact_lock: first-run setup must create exactly one admin
// even when two requests (or replicas) race.
const SETUP_LOCK = 727_002;
const ADMIN_LOCK = 727_003;
const IDENTIFIER_LOCK = 727_004;

/**
 * People sign in with "username or email", so one user's username may not be another's
 * email (or the same name would open two accounts). The unique indexes cover each column;
 * this covers the pair. Call inside a transaction.
 */
async function assertIdentifiersFree(tx: Db, { username, email, userId }: { username?: string; email?: string | null; userId?: string }): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${IDENTIFIER_LOCK})`);
  const checks = [
    { field: "username", value: username, otherColumn: users.email, message: "This username is another user's email" },
    { field: "email", value: email, otherColumn: users.username, message: "This email is another user's username" },
  ];
  for (const { field, value, otherColumn, message } of checks) {
    if (!value) continue;
    const others = userId ? sql`and ${users.id} <> ${userId}` : sql``;
    const [clash] = await tx.select({ id: users.id }).from(users).where(sql`lower(${otherColumn}) = ${value.toLowerCase()} ${others}`).limit(1);
    if (clash) throw conflict(field, message);
  }
}

/** True while there are no users (the setup form is open). */
export async function isSetupRequired(): Promise<boolean> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(users);
  return (row?.n ?? 0) === 0;
}

/** All users, oldest first, with their linked service tokens. */
export async function listUsers(): Promise<UserDTO[]> {
  const db = await getDb();
  const [rows, tokens] = await Promise.all([
    db.select().from(users).orderBy(asc(users.createdAt), asc(users.username)),
    db.select().from(accessServiceTokens).orderBy(asc(accessServiceTokens.createdAt)),
  ]);
  const byUser = new Map<string, ServiceTokenDTO[]>();
  for (const t of tokens) {
    const list = byUser.get(t.userId) ?? [];
    list.push({ id: t.id, clientId: t.clientId, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null });
    byUser.set(t.userId, list);
  }
  return rows.map((u) => toDTO(u, byUser.get(u.id)));
}

/** @throws {AppError} not_found */
export async function getUserById({ id }: { id: string }): Promise<UserDTO> {
  const db = await getDb();
  const [row] = await db.select().from(users).where(eq(users.id, asUuid(id))).limit(1);
  if (!row) throw new AppError("not_found", "No such user");
  const tokens = await db.select().from(accessServiceTokens).where(eq(accessServiceTokens.userId, row.id));
  return toDTO(
    row,
    tokens.map((t) => ({ id: t.id, clientId: t.clientId, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null })),
  );
}

/** The full row for sign-in (includes the hash; never hand it to a page). */
export async function getUserForLogin({ username }: { username: string }): Promise<User | null> {
  const db = await getDb();
  const name = username.trim().toLowerCase();
  const [row] = await db
    .select()
    .from(users)
    .where(or(eq(sql`lower(${users.username})`, name), eq(sql`lower(${users.email})`, name)))
    // A username match wins (usernames and emails are kept apart, but be certain).
    .orderBy(sql`lower(${users.username}) = ${name} desc`)
    .limit(1);
  return row ?? null;
}

/** Cloudflare Access: the user whose email equals `email` ignoring case, or null. */
export async function getUserByEmail({ email }: { email: string }) {
  const db = await getDb();
  const [row] = await db
    .select(principalUserColumns)
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return row ?? null;
}

/** Cloudflare Access: the user a service token's Client ID is linked to, or null. */
export async function getUserByServiceToken({ clientId }: { clientId: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ ...principalUserColumns, tokenId: accessServiceTokens.id })
    .from(accessServiceTokens)
    .innerJoin(users, eq(users.id, accessServiceTokens.userId))
    .where(eq(accessServiceTokens.clientId, clientId))
    .limit(1);
  return row ?? null;
}

const SIGN_IN_RECORD_INTERVAL_MS = 5 * 60_000;
const recentSignInWrites = new Map<string, number>();

/**
 * Records a sign-in at most once per 5 minutes per user, so that Cloudflare Access
 * (which proves identity on every request) does not write on every request.
 * `lastLoginAt` is what the caller just read; the SQL guard keeps replicas in line too.
 * Fire-and-forget: errors are logged, never thrown.
 */
export function recordSignIn({ userId, lastLoginAt, serviceTokenId }: { userId: string; lastLoginAt: Date | null; serviceTokenId?: string }): void {
  const now = Date.now();
  if (lastLoginAt && now - lastLoginAt.getTime() < SIGN_IN_RECORD_INTERVAL_MS) return;
  const previous = recentSignInWrites.get(userId);
  if (previous !== undefined && now - previous < SIGN_IN_RECORD_INTERVAL_MS) return;
  recentSignInWrites.set(userId, now);
  if (recentSignInWrites.size > 10_000) recentSignInWrites.clear();
  void (async () => {
    const db = await getDb();
    const cutoff = new Date(now - SIGN_IN_RECORD_INTERVAL_MS);
    await db
      .update(users)
      .set({ lastLoginAt: new Date(now) })
      .where(and(eq(users.id, userId), or(isNull(users.lastLoginAt), lt(users.lastLoginAt, cutoff))));
    if (serviceTokenId) {
      await db.update(accessServiceTokens).set({ lastUsedAt: new Date(now) }).where(eq(accessServiceTokens.id, serviceTokenId));
    }
  })().catch((err) => log.error("recording sign-in failed", { error: (err as Error).message }));
}

/** Sets last sign-in now (built-in login: one write per login is fine). */
export async function touchLastLogin({ userId }: { userId: string }): Promise<void> {
  const db = await getDb();
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, userId));
}

function translateUniqueViolation(err: unknown): never {
  const constraint = uniqueViolation(err);
  if (constraint?.includes("email")) throw conflict("email", "Another user already has this email");
  if (constraint?.includes("username")) throw conflict("username", "This username is taken");
  if (constraint?.includes("client_id")) throw conflict("clientId", "This service token is already linked to a user");
  throw err;
}

/**
 * Creates a user.
 * In built-in mode a password is required (it is the only way in); with Cloudflare
 * Access it is optional and the email is required (it is the only way in there).
 * @throws {AppError} validation (400) or conflict (409: username or email taken).
 */
export async function createUser(input: CreateUserInput | unknown): Promise<UserDTO> {
  const cfMode = getConfig().cfAccess !== null;
  // The field this mode requires is checked together with the schema, so a form learns
  // every problem at once (not a missing password only after fixing the username).
  const raw = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const required: FieldErrors = {};
  if (!cfMode && blankToUndefined(raw.password) === undefined) required.password = ["Enter a password"];
  if (cfMode && blankToUndefined(raw.email) === undefined) required.email = ["Enter the email this person signs in to Cloudflare Access with"];
  const parsed = createUserSchema.safeParse(input);
  if (!parsed.success || Object.keys(required).length > 0) {
    const fieldErrors: FieldErrors = { ...(parsed.success ? {} : validationError(parsed.error).fieldErrors) };
    for (const [field, messages] of Object.entries(required)) fieldErrors[field] = [...messages, ...(fieldErrors[field] ?? []).filter((m) => !messages.includes(m))];
    const [field, messages] = Object.entries(fieldErrors)[0]!;
    throw new AppError("validation", `${field}: ${messages[0]}`, fieldErrors);
  }
  const data = parsed.data;
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  try {
    const row = await changeCredentials(async (tx) => {
      await assertIdentifiersFree(tx, { username: data.username, email: data.email });
      const [inserted] = await tx.insert(users).values({ username: data.username, email: data.email ?? null, passwordHash, role: data.role }).returning();
      return inserted!;
    });
    return toDTO(row);
  } catch (err) {
    translateUniqueViolation(err);
  }
}

/**
 * First-run setup: creates the first admin only while there are no users.
 * Serialised by an advisory lock, so concurrent setups create exactly one admin.
 * @throws {AppError} forbidden (403) when setup is already done; validation (400).
 */
export async function setupFirstAdmin(input: { username?: unknown; password?: unknown; email?: unknown }): Promise<UserDTO> {
  const data = parseOrThrow(setupSchema, input);
  const passwordHash = await hashPassword(data.password);
  return changeCredentials(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK})`);
    const [existing] = await tx.select({ n: count() }).from(users);
    if ((existing?.n ?? 0) > 0) throw new AppError("forbidden", "Setup is already complete; sign in instead");
    const [row] = await tx.insert(users).values({ username: data.username, email: data.email ?? null, passwordHash, role: "admin" }).returning();
    return toDTO(row!);
  });
}

/** Locks all admin rows and throws if `userId` is the last admin. Call inside a transaction. */
async function assertNotLastAdmin(tx: Db, userId: string, action: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_LOCK})`);
  const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, "admin"));
  if (admins.length <= 1 && admins.some((a) => a.id === userId)) {
    throw new AppError("conflict", `The last admin cannot be ${action}; make another user an admin first`);
  }
}

/**
 * Changes a user's email (set or clear) and/or role.
 * @throws {AppError} not_found, validation, conflict (email taken; last admin demoted).
 */
export async function updateUser({ id, input }: { id: string; input: UpdateUserInput | unknown }): Promise<UserDTO> {
  const data = parseOrThrow(updateUserSchema, input);
  try {
    const row = await changeCredentials(async (tx) => {
      if (data.role === "user") await assertNotLastAdmin(tx, asUuid(id), "demoted");
      if (data.email) await assertIdentifiersFree(tx, { email: data.email, userId: asUuid(id) });
      const set: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
      if (data.email !== undefined) set.email = data.email;
      if (data.role !== undefined) set.role = data.role;
      const [updated] = await tx.update(users).set(set).where(eq(users.id, asUuid(id))).returning();
      if (!updated) throw new AppError("not_found", "No such user");
      return updated;
    });
    return getUserById({ id: row.id });
  } catch (err) {
    translateUniqueViolation(err);
  }
}

/**
 * Sets someone's password (an admin on the Users page, or the CLI) and ends all of their
 * sessions, in one transaction. People change their own password on the Account page,
 * which asks for the current one (lib/credentials/passwords.ts `changeOwnPassword`).
 * @param by the admin doing it; refused when it is `id` itself. Absent for the CLI.
 * @throws {AppError} not_found, validation, forbidden (an admin resetting their own).
 */
export async function resetPassword({ id, password, by }: { id: string; password: unknown; by?: string }): Promise<void> {
  const userId = asUuid(id);
  if (by === userId) throw new AppError("forbidden", "Change your own password on the Account page: it asks for your current one");
  const data = parseOrThrow(resetPasswordSchema, { password });
  const passwordHash = await hashPassword(data.password);
  const { found } = await changeCredentials((tx) => storePasswordHash(tx, { userId, passwordHash }));
  if (!found) throw new AppError("not_found", "No such user");
}

/**
 * Deletes a user with their sessions, virtual keys and service-token links (FK cascade),
 * limits (FK cascade) and spend counters (theirs and their keys'); their request logs stay,
 * detached (user and key ids cleared), in the same transaction.
 * @throws {AppError} not_found, conflict (last admin).
 */
export async function deleteUser({ id }: { id: string }): Promise<void> {
  await changeCredentials(async (tx) => {
    await assertNotLastAdmin(tx, asUuid(id), "deleted");
    await deleteSpendCountersOfUser(tx, id);
    await detachRequestLogs(tx, { userId: id });
    const [row] = await tx.delete(users).where(eq(users.id, asUuid(id))).returning({ id: users.id });
    if (!row) throw new AppError("not_found", "No such user");
  });
  // The user's virtual keys went with them: this process's gateway forgets them now.
  forgetGatewayKeys();
}

/**
 * Links a Cloudflare Access service token (by Client ID) to a user.
 * @throws {AppError} not_found, validation, conflict (already linked).
 */
export async function linkServiceToken({ userId, clientId, name }: { userId: string; clientId: unknown; name?: unknown }): Promise<ServiceTokenDTO> {
  const data = parseOrThrow(serviceTokenLinkSchema, { clientId, name });
  await getUserById({ id: userId });
  try {
    const [row] = await changeCredentials((tx) =>
      tx
        .insert(accessServiceTokens)
        .values({ userId: asUuid(userId), clientId: data.clientId, name: data.name ?? data.clientId.slice(0, 12) })
        .returning(),
    );
    return { id: row!.id, clientId: row!.clientId, name: row!.name, createdAt: row!.createdAt.toISOString(), lastUsedAt: null };
  } catch (err) {
    translateUniqueViolation(err);
  }
}

/** @throws {AppError} not_found */
export async function unlinkServiceToken({ id }: { id: string }): Promise<void> {
  const [row] = await changeCredentials((tx) => tx.delete(accessServiceTokens).where(eq(accessServiceTokens.id, asUuid(id))).returning({ id: accessServiceTokens.id }));
  if (!row) throw new AppError("not_found", "No such service token link");
}

/**
 * CLI bootstrap: creates an admin, or on an existing admin sets the email.
 * @returns what happened, for the CLI to print.
 * @throws {AppError} validation, conflict (username belongs to a non-admin; email taken).
 */
export async function ensureAdmin(input: { username: string; password: string; email?: string }): Promise<{ created: boolean; user: UserDTO }> {
  const data = parseOrThrow(setupSchema, input);
  const existing = await getUserForLogin({ username: data.username });
  if (existing && existing.username.toLowerCase() === data.username.toLowerCase()) {
    if (existing.role !== "admin") {
      throw new AppError("conflict", `user ${existing.username} exists and is not an admin; change the role on the Users page`);
    }
    if (data.email && data.email !== existing.email) {
      return { created: false, user: await updateUser({ id: existing.id, input: { email: data.email } }) };
    }
    return { created: false, user: toDTO(existing) };
  }
  const passwordHash = await hashPassword(data.password);
  try {
    const row = await changeCredentials(async (tx) => {
      await assertIdentifiersFree(tx, { username: data.username, email: data.email });
      const [inserted] = await tx.insert(users).values({ username: data.username, email: data.email ?? null, passwordHash, role: "admin" }).returning();
      return inserted!;
    });
    return { created: true, user: toDTO(row) };
  } catch (err) {
    translateUniqueViolation(err);
  }
}

/**
 * CLI: sets a user's password by username and ends their sessions.
 * @throws {AppError} not_found, validation.
 */
export async function resetPasswordByUsername({ username, password }: { username: string; password: string }): Promise<void> {
  const user = await getUserForLogin({ username });
  if (!user || user.username.toLowerCase() !== username.trim().toLowerCase()) throw new AppError("not_found", `no user named ${username}`);
  await resetPassword({ id: user.id, password });
}
