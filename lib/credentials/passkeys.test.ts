import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "@/e2e/fixtures/software-authenticator";
import { signInWithPasskey } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db/client";
import { passkeys, webauthnChallenges } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createUser } from "@/lib/users/queries";
import { CHALLENGE_TTL_MS } from "./challenges";
import { beginPasskeyRegistration, beginPasskeySignIn, deletePasskey, finishPasskeyRegistration, listPasskeys, renamePasskey, verifyPasskeySignIn } from "./passkeys";
import { validateSessionToken } from "./sessions";

// The passkey ceremonies against a real database, answered by a software authenticator
// (ES256, `none` attestation) that can also be told to misbehave.
const ORIGIN = "https://gatehouse.example.test";
process.env.GATEHOUSE_PUBLIC_URL = ORIGIN; // read by getConfig() on first use, which comes later

type Options = Parameters<SoftwareAuthenticator["register"]>[0];

beforeEach(async () => {
  const db = await getDb();
  await db.execute(sql`truncate table users, sessions, passkeys, webauthn_challenges cascade`);
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    // A refusal is an AppError (4xx with a message), never an unexpected error (500).
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBeGreaterThanOrEqual(400);
    expect((err as AppError).status).toBeLessThan(500);
    return err as AppError;
  }
  throw new Error("expected a refusal");
}

/** A user with one passkey from `authenticator`. */
async function userWithPasskey(authenticator = new SoftwareAuthenticator(ORIGIN), name = "Laptop") {
  const user = await createUser({ username: `u${Math.random().toString(36).slice(2, 8)}`, password: "password123" });
  const options = await beginPasskeyRegistration({ userId: user.id });
  const passkey = await finishPasskeyRegistration({ userId: user.id, input: { name, response: authenticator.register(options as unknown as Options) } });
  return { user, passkey, authenticator };
}

async function assertion(authenticator: SoftwareAuthenticator, misbehave: Parameters<SoftwareAuthenticator["authenticate"]>[1] = {}) {
  const options = await beginPasskeySignIn(client);
  return authenticator.authenticate(options, misbehave);
}

const client = { address: "192.0.2.10" };

const storedCounter = async (id: string) => (await (await getDb()).select({ counter: passkeys.counter }).from(passkeys).where(eq(passkeys.id, id)))[0]!.counter;

describe("passkey registration and sign-in", () => {
  it("registers a named passkey, then signs in with it without a username", async () => {
    const { user, passkey, authenticator } = await userWithPasskey(undefined, "  Work laptop ");
    expect(passkey).toMatchObject({ name: "Work laptop", lastUsedAt: null, synced: false });
    expect(await listPasskeys({ userId: user.id })).toEqual([passkey]);

    const options = await beginPasskeySignIn(client);
    expect(options).toMatchObject({ rpId: "gatehouse.example.test", userVerification: "required" });
    expect(options.allowCredentials ?? []).toEqual([]); // discoverable: the browser offers what it holds
    const signedIn = await signInWithPasskey(authenticator.authenticate(options), { userAgent: "test" });
    expect(signedIn.user).toMatchObject({ id: user.id, username: user.username });
    expect((await validateSessionToken(signedIn.token))?.user.id).toBe(user.id);
    expect(await storedCounter(passkey.id)).toBe(1);
    expect((await listPasskeys({ userId: user.id }))[0]!.lastUsedAt).not.toBeNull();
  });

  it("asks for a discoverable, user-verified credential, excluding the user's existing ones", async () => {
    const { user, authenticator } = await userWithPasskey();
    const options = await beginPasskeyRegistration({ userId: user.id });
    expect(options.rp).toEqual({ id: "gatehouse.example.test", name: "Gatehouse" });
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([Buffer.from(authenticator.credentials[0]!.id).toString("base64url")]);
  });

  it("stores each challenge in the database for 5 minutes", async () => {
    const options = await beginPasskeySignIn(client);
    const [row] = await (await getDb()).select().from(webauthnChallenges).where(eq(webauthnChallenges.challenge, options.challenge));
    expect(row).toMatchObject({ purpose: "authentication", userId: null });
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(CHALLENGE_TTL_MS);
  });

  it("signs in with a stored counter of 0 and an assertion of 0 (synced passkeys), every time", async () => {
    const { user, passkey, authenticator } = await userWithPasskey(new SoftwareAuthenticator(ORIGIN, { counting: false, synced: true }));
    expect(passkey.synced).toBe(true);
    for (let i = 0; i < 2; i++) {
      expect(await verifyPasskeySignIn({ input: await assertion(authenticator) })).toMatchObject({ userId: user.id });
      expect(await storedCounter(passkey.id)).toBe(0);
    }
  });

  it("stores the counter the authenticator reports", async () => {
    const { passkey, authenticator } = await userWithPasskey();
    await verifyPasskeySignIn({ input: await assertion(authenticator, { counter: 41 }) });
    expect(await storedCounter(passkey.id)).toBe(41);
  });
});

describe("passkey refusals: each a 4xx with a reason, never a 500", () => {
  it("refuses a replayed response (challenges are single use)", async () => {
    const { authenticator } = await userWithPasskey();
    const response = await assertion(authenticator);
    await verifyPasskeySignIn({ input: response });
    const err = await refusal(verifyPasskeySignIn({ input: response }));
    expect(err.message).toMatch(/already used/);
  });

  it("refuses an expired challenge", async () => {
    const { authenticator } = await userWithPasskey();
    const options = await beginPasskeySignIn(client);
    // Five minutes pass.
    await (await getDb()).update(webauthnChallenges).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(webauthnChallenges.challenge, options.challenge));
    const err = await refusal(verifyPasskeySignIn({ input: authenticator.authenticate(options) }));
    expect(err.message).toMatch(/expired/);
  });

  it("refuses a response signed for another origin", async () => {
    const { authenticator } = await userWithPasskey();
    const err = await refusal(verifyPasskeySignIn({ input: await assertion(authenticator, { origin: "https://gatehouse.example.test.evil.example" }) }));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/origin/);
  });

  it("refuses a response for another relying party ID", async () => {
    const { authenticator } = await userWithPasskey();
    const err = await refusal(verifyPasskeySignIn({ input: await assertion(authenticator, { rpId: "evil.example" }) }));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/RP ID/);
  });

  it("refuses a registration for another origin or RP ID, and stores nothing", async () => {
    const user = await createUser({ username: "regbad", password: "password123" });
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    for (const misbehave of [{ origin: "https://phish.example" }, { rpId: "phish.example" }, { userVerified: false }]) {
      const options = await beginPasskeyRegistration({ userId: user.id });
      await refusal(finishPasskeyRegistration({ userId: user.id, input: { name: "x", response: authenticator.register(options as unknown as Options, misbehave) } }));
    }
    expect(await listPasskeys({ userId: user.id })).toEqual([]);
  });

  it("refuses a counter that goes backwards and keeps the stored value", async () => {
    const { passkey, authenticator } = await userWithPasskey();
    await verifyPasskeySignIn({ input: await assertion(authenticator, { counter: 10 }) });
    const err = await refusal(verifyPasskeySignIn({ input: await assertion(authenticator, { counter: 5 }) }));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/counter/);
    // Equal is not "up" either, once non-zero.
    await refusal(verifyPasskeySignIn({ input: await assertion(authenticator, { counter: 10 }) }));
    expect(await storedCounter(passkey.id)).toBe(10);
  });

  it("refuses a stored non-zero counter answered with 0", async () => {
    const { authenticator } = await userWithPasskey();
    await verifyPasskeySignIn({ input: await assertion(authenticator) });
    await refusal(verifyPasskeySignIn({ input: await assertion(authenticator, { counter: 0 }) }));
  });

  it("refuses without user verification", async () => {
    const { authenticator } = await userWithPasskey();
    expect((await refusal(verifyPasskeySignIn({ input: await assertion(authenticator, { userVerified: false }) }))).status).toBe(401);
  });

  it("refuses a registration challenge used to sign in, and another user's registration challenge", async () => {
    const { user, authenticator } = await userWithPasskey();
    const other = await createUser({ username: "other", password: "password123" });
    const registration = await beginPasskeyRegistration({ userId: user.id });
    await refusal(verifyPasskeySignIn({ input: authenticator.authenticate({ challenge: registration.challenge, rpId: "gatehouse.example.test" }) }));
    const theirs = await beginPasskeyRegistration({ userId: other.id });
    const err = await refusal(finishPasskeyRegistration({ userId: user.id, input: { name: "x", response: new SoftwareAuthenticator(ORIGIN).register(theirs as unknown as Options) } }));
    expect(err.message).toMatch(/different request/);
  });

  it("refuses an unknown passkey and malformed input", async () => {
    const stranger = new SoftwareAuthenticator(ORIGIN);
    stranger.register({ challenge: "x", rp: { id: "gatehouse.example.test", name: "Gatehouse" }, user: { id: "AAAA", name: "nobody" } });
    expect((await refusal(verifyPasskeySignIn({ input: await assertion(stranger) }))).message).toMatch(/not registered/);
    for (const input of [null, "nope", {}, { id: "a", rawId: "a", type: "public-key", response: { clientDataJSON: "!!", authenticatorData: "", signature: "" } }]) {
      expect((await refusal(verifyPasskeySignIn({ input }))).status).toBe(400);
    }
  });
});

describe("passkey sign-in options are rate limited per client address", () => {
  it("refuses the 31st request in a minute from one address with 429 and stores no challenge for it; another address still gets options", async () => {
    const address = { address: `198.51.100.${Math.floor(Math.random() * 250)}` };
    for (let i = 0; i < 30; i++) await beginPasskeySignIn(address);
    const count = async () => (await (await getDb()).select({ n: sql<number>`count(*)::int` }).from(webauthnChallenges))[0]!.n;
    const before = await count();
    const refused = await refusal(beginPasskeySignIn(address));
    expect(refused).toMatchObject({ code: "rate_limited", status: 429 });
    expect(refused.message).toMatch(/try again in \d+ seconds?/);
    expect(await count()).toBe(before);
    await expect(beginPasskeySignIn({ address: "203.0.113.77" })).resolves.toMatchObject({ challenge: expect.any(String) });
  });
});

describe("passkey management", () => {
  it("renames and deletes only the owner's passkeys; a deleted passkey signs nobody in", async () => {
    const { user, passkey, authenticator } = await userWithPasskey();
    const other = await createUser({ username: "mallory", password: "password123" });
    expect((await refusal(renamePasskey({ userId: other.id, id: passkey.id, name: "mine now" }))).status).toBe(404);
    expect((await refusal(deletePasskey({ userId: other.id, id: passkey.id }))).status).toBe(404);
    expect((await refusal(renamePasskey({ userId: user.id, id: passkey.id, name: "   " }))).fieldErrors).toHaveProperty("name");
    expect(await renamePasskey({ userId: user.id, id: passkey.id, name: "Phone" })).toMatchObject({ name: "Phone" });

    await deletePasskey({ userId: user.id, id: passkey.id });
    expect(await listPasskeys({ userId: user.id })).toEqual([]);
    expect((await refusal(verifyPasskeySignIn({ input: await assertion(authenticator) }))).status).toBe(401);
  });
});
