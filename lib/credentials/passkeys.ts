import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { decodeClientDataJSON, isoBase64URL, isoUint8Array } from "@simplewebauthn/server/helpers";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { asUuid } from "@/lib/db/ids";
import { passkeys, users, type Passkey } from "@/lib/db/schema";
import { AppError, conflict, parseOrThrow, uniqueViolation } from "@/lib/errors";
import { log } from "@/lib/log";
import { assertBuiltInSignIn } from "./built-in-mode";
import { changeCredentials } from "./changes";
import { CHALLENGE_TTL_MS, consumeChallenge, issueChallenge } from "./challenges";
import { countAttempt, exceededLimit, passkeyOptionsLimit } from "./rate-limit";
import { relyingParty, requireRelyingParty } from "./relying-party";
import { authenticationResponseSchema, passkeyNameSchema, registrationResponseSchema } from "./schemas";

/**
 * Passkeys: the four SimpleWebAuthn steps (https://simplewebauthn.dev/docs/packages/server)
 * and the owner's list, rename and delete. Actions and route handlers only call these.
 *
 * Protocol choices (WebAuthn Level 3, https://www.w3.org/TR/webauthn-3/):
 * - discoverable credentials (`residentKey: "required"`), so sign-in needs no username;
 * - user verification required at registration and sign-in: a passkey replaces the
 *   password, so it must prove the person (PIN, biometrics), not only a tap;
 * - attestation `none`: Gatehouse does not restrict authenticator makes;
 * - the relying party id and expected origin come from GATEHOUSE_PUBLIC_URL only
 *   (./relying-party.ts);
 * - challenges live in the database, single use, 5 minutes (./challenges.ts).
 */

/** What the Account page and `/api/v1/account/passkeys` show of a passkey. */
export interface PasskeyDTO {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Synced between the owner's devices by their platform (a "multi-device" credential). */
  synced: boolean;
}

/** Passkeys one user may hold (each row is a way in; the list must stay reviewable). */
export const MAX_PASSKEYS_PER_USER = 20;

function toDTO(p: Passkey): PasskeyDTO {
  return { id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null, synced: p.deviceType === "multiDevice" };
}

/** The WebAuthn user handle: the user's UUID as 16 bytes (opaque, no personal data). */
function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return isoUint8Array.fromHex(userId.replace(/-/g, "")) as Uint8Array<ArrayBuffer>;
}

/** The challenge a response answers, read from its clientDataJSON (checked again by the library). */
function challengeOf(clientDataJSON: string): string {
  try {
    const { challenge } = decodeClientDataJSON(clientDataJSON);
    if (typeof challenge === "string") return challenge;
  } catch {
    // falls through to the error below
  }
  throw new AppError("validation", "This passkey response has no readable clientDataJSON");
}

function reasonOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

/** Whether passkeys can be used under this configuration, and if not, why (for pages). */
export function passkeyAvailability(): { enabled: true } | { enabled: false; reason: string } {
  const rp = relyingParty();
  return rp.enabled ? { enabled: true } : { enabled: false, reason: rp.reason };
}

/**
 * The user's passkeys, oldest first.
 * @throws {AppError} forbidden (Cloudflare Access mode).
 */
export async function listPasskeys({ userId }: { userId: string }): Promise<PasskeyDTO[]> {
  assertBuiltInSignIn("Passkeys");
  const db = await getDb();
  const rows = await db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt));
  return rows.map(toDTO);
}

/**
 * Step 1 of registration: options for `startRegistration()` in the browser, with a fresh
 * challenge bound to this user. The user's existing passkeys are excluded, so one
 * authenticator is not registered twice.
 * @throws {AppError} forbidden (Access mode; passkeys off), not_found, conflict (too many passkeys).
 */
export async function beginPasskeyRegistration({ userId }: { userId: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
  assertBuiltInSignIn("Passkeys");
  const rp = requireRelyingParty();
  const db = await getDb();
  const [user] = await db.select({ username: users.username, email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new AppError("not_found", "No such user");
  const existing = await db.select({ credentialId: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId));
  if (existing.length >= MAX_PASSKEYS_PER_USER) {
    throw new AppError("conflict", `You have ${MAX_PASSKEYS_PER_USER} passkeys, the most Gatehouse keeps for one person; delete one first`);
  }
  const challenge = await issueChallenge({ purpose: "registration", userId });
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.username,
    userDisplayName: user.email ?? user.username,
    userID: userHandle(userId),
    // As bytes: a string would be UTF-8 encoded again, and the browser would sign that.
    challenge: isoBase64URL.toBuffer(challenge),
    timeout: CHALLENGE_TTL_MS,
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
}

const finishRegistrationSchema = z.object({ name: passkeyNameSchema, response: registrationResponseSchema });

/**
 * Step 2 of registration: checks the browser's answer (challenge, origin, RP ID, user
 * verification, attestation format) and stores the passkey with its signature counter.
 * @param input `{ name, response }`: a name for the list, and `startRegistration()`'s result
 * @throws {AppError} forbidden, validation (bad shape; unknown, used or expired challenge;
 *   failed verification, with the reason), conflict (already registered).
 */
export async function finishPasskeyRegistration({ userId, input }: { userId: string; input: unknown }): Promise<PasskeyDTO> {
  assertBuiltInSignIn("Passkeys");
  const rp = requireRelyingParty();
  const { name, response } = parseOrThrow(finishRegistrationSchema, input);
  const challenge = challengeOf(response.response.clientDataJSON);
  await consumeChallenge({ challenge, purpose: "registration", userId });
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
  } catch (err) {
    throw new AppError("validation", `The passkey could not be registered: ${reasonOf(err)}`);
  }
  if (!verification.verified) throw new AppError("validation", "The passkey could not be registered: its response did not verify");
  const { credential, credentialDeviceType, credentialBackedUp, aaguid } = verification.registrationInfo;
  try {
    const row = await changeCredentials(async (tx) => {
      const [inserted] = await tx
        .insert(passkeys)
        .values({
          userId,
          credentialId: credential.id,
          publicKey: isoBase64URL.fromBuffer(credential.publicKey),
          counter: credential.counter,
          transports: credential.transports ?? [],
          deviceType: credentialDeviceType,
          backedUp: credentialBackedUp,
          aaguid,
          name,
        })
        .returning();
      return inserted!;
    });
    return toDTO(row);
  } catch (err) {
    if (uniqueViolation(err)) throw conflict("response", "This passkey is already registered");
    throw err;
  }
}

/**
 * Step 1 of sign-in: options for `startAuthentication()`, with no allowed-credentials
 * list, so the browser offers whichever discoverable passkey the person picks.
 * @param client.address the client's IP as best known (see `clientAddress`): each address
 *   may ask {@link passkeyOptionsLimit} times a minute, since every call stores a challenge.
 * @throws {AppError} forbidden (Access mode; passkeys off), rate_limited (429).
 */
export async function beginPasskeySignIn(client: { address: string }): Promise<PublicKeyCredentialRequestOptionsJSON> {
  assertBuiltInSignIn("Passkey sign-in");
  const rp = requireRelyingParty();
  const limit = passkeyOptionsLimit(client.address);
  const blocked = await exceededLimit([limit]);
  if (blocked) {
    const seconds = Math.ceil(blocked.retryAfterMs / 1000);
    throw new AppError("rate_limited", `Too many passkey sign-in attempts from this address; try again in ${seconds} second${seconds === 1 ? "" : "s"}`);
  }
  await countAttempt([limit]);
  const challenge = await issueChallenge({ purpose: "authentication" });
  return generateAuthenticationOptions({ rpID: rp.id, challenge: isoBase64URL.toBuffer(challenge), timeout: CHALLENGE_TTL_MS, userVerification: "required" });
}

/**
 * Step 2 of sign-in: finds the passkey by credential ID and checks the assertion
 * (challenge, origin, RP ID hash, user presence and verification, signature). The
 * signature counter follows WebAuthn §6.1.1 (https://www.w3.org/TR/webauthn-3/#sctn-sign-counter):
 * compared only when the stored or the new value is non-zero — synced passkeys always
 * send 0 — and refused when it does not go up (a sign of a cloned authenticator). The new
 * value is stored. Creates no session: the caller does (lib/auth/sign-in.ts).
 * @param input `startAuthentication()`'s result
 * @returns the user it proves.
 * @throws {AppError} forbidden, validation (bad shape; unknown, used or expired
 *   challenge), unauthenticated (unknown passkey, failed verification, counter).
 */
export async function verifyPasskeySignIn({ input }: { input: unknown }): Promise<{ userId: string; passkeyId: string }> {
  assertBuiltInSignIn("Passkey sign-in");
  const rp = requireRelyingParty();
  const response = parseOrThrow(authenticationResponseSchema, input);
  const challenge = challengeOf(response.response.clientDataJSON);
  await consumeChallenge({ challenge, purpose: "authentication" });
  const db = await getDb();
  const [passkey] = await db.select().from(passkeys).where(eq(passkeys.credentialId, response.id)).limit(1);
  if (!passkey) throw new AppError("unauthenticated", "This passkey is not registered with Gatehouse (it may have been deleted); sign in another way");
  // The library does not compare the user handle; a mismatch means the authenticator's
  // record and ours disagree about whose passkey this is.
  if (response.response.userHandle && response.response.userHandle !== isoBase64URL.fromBuffer(userHandle(passkey.userId))) {
    throw new AppError("unauthenticated", "Passkey sign-in refused: the passkey names a different user than Gatehouse has on record");
  }
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: passkey.credentialId, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: passkey.counter, transports: passkey.transports },
      requireUserVerification: true,
    });
  } catch (err) {
    const reason = reasonOf(err);
    if (/counter/i.test(reason)) {
      log.warn("passkey sign-in refused: its signature counter did not go up (a cloned authenticator?)", { passkeyId: passkey.id, userId: passkey.userId, reason });
    }
    throw new AppError("unauthenticated", `Passkey sign-in refused: ${reason}`);
  }
  if (!verification.verified) throw new AppError("unauthenticated", "Passkey sign-in refused: the signature does not match this passkey");
  const { newCounter, credentialBackedUp } = verification.authenticationInfo;
  // greatest(): two sign-ins racing with one passkey never move the stored counter back.
  await db
    .update(passkeys)
    .set({ counter: sql`greatest(${passkeys.counter}, ${newCounter})`, backedUp: credentialBackedUp, lastUsedAt: new Date() })
    .where(eq(passkeys.id, passkey.id));
  return { userId: passkey.userId, passkeyId: passkey.id };
}

/**
 * Renames one of the user's passkeys.
 * @throws {AppError} forbidden (Access mode), validation, not_found (not this user's).
 */
export async function renamePasskey({ userId, id, name }: { userId: string; id: string; name: unknown }): Promise<PasskeyDTO> {
  assertBuiltInSignIn("Passkeys");
  const data = parseOrThrow(z.object({ name: passkeyNameSchema }), { name });
  const db = await getDb();
  const [row] = await db
    .update(passkeys)
    .set({ name: data.name })
    .where(and(eq(passkeys.id, asUuid(id)), eq(passkeys.userId, userId)))
    .returning();
  if (!row) throw new AppError("not_found", "No such passkey");
  return toDTO(row);
}

/**
 * Deletes one of the user's passkeys: it no longer signs anyone in. Sessions it started
 * stay (end them on the Account page).
 * @throws {AppError} forbidden (Access mode), not_found (not this user's).
 */
export async function deletePasskey({ userId, id }: { userId: string; id: string }): Promise<PasskeyDTO> {
  assertBuiltInSignIn("Passkeys");
  const passkeyId = asUuid(id);
  const [row] = await changeCredentials((tx) =>
    tx
      .delete(passkeys)
      .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
      .returning(),
  );
  if (!row) throw new AppError("not_found", "No such passkey");
  return toDTO(row);
}
