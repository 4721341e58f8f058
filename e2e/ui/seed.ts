import { randomBytes } from "node:crypto";
import { expect, request as playwrightRequest, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { mintAccessToken, signInBuiltinAdmin, unique } from "../fixtures/api";
import { E2E } from "../fixtures/ports";
import type { Mode, Visitor } from "./catalogue";

/** What the UI suite creates once per run (through the REST API) for its pages and dialogs to show. */
export interface Seed {
  admin: { username: string };
  user: { id: string; username: string; email: string; password: string };
  provider: { id: string; key: string; name: string };
  key: { id: string; name: string };
  serviceToken: { clientId: string };
}

/** Request headers and cookies that make a context `who` in `mode`. */
export interface Identity {
  headers: Record<string, string>;
  storageState?: Awaited<ReturnType<APIRequestContext["storageState"]>>;
}

/** An Access token for `email`, valid for `expiresIn` seconds (negative: expired that long ago). */
async function accessHeaders(email: string, expiresIn = 3600): Promise<Record<string, string>> {
  const api = await playwrightRequest.newContext();
  try {
    // An hour by default: longer than any run of the suite.
    return { "cf-access-jwt-assertion": await mintAccessToken(api, { email, expiresIn }) };
  } finally {
    await api.dispose();
  }
}

/** Signs in as the e2e admin of `mode` and returns an API context acting as them. */
async function adminApi(mode: Mode, baseURL: string): Promise<APIRequestContext> {
  if (mode === "cloudflare-access") return playwrightRequest.newContext({ baseURL, extraHTTPHeaders: await accessHeaders(E2E.cfAdmin.email) });
  const api = await playwrightRequest.newContext({ baseURL });
  await signInBuiltinAdmin(api);
  return api;
}

async function created<T>(res: Awaited<ReturnType<APIRequestContext["post"]>>, what: string): Promise<T> {
  expect(res.status(), `${what}: ${await res.text()}`).toBe(201);
  return (await res.json()) as T;
}

/**
 * Creates a user (role user), a Cloudflare AI Gateway provider on the fake Cloudflare, a
 * virtual key with one call through the gateway (so Usage has a row), and a service token
 * linked to the user.
 */
export async function seed(mode: Mode, baseURL: string): Promise<{ seed: Seed; identities: Map<Visitor, Identity> }> {
  const api = await adminApi(mode, baseURL);
  try {
    const id = unique("ui");
    const user = { username: `${id}-user`, email: `${id}-user@example.com`, password: "ui-suite-password" };
    const { user: u } = await created<{ user: { id: string } }>(await api.post("/api/v1/users", { data: { ...user, role: "user" } }), "create user");
    const { provider } = await created<{ provider: { id: string; key: string; name: string } }>(
      await api.post("/api/v1/providers", {
        data: {
          apiType: "cloudflare-ai-gateway",
          key: `${id}-gw`,
          name: "UI suite gateway",
          accountId: "0123456789abcdef0123456789abcdef",
          gatewayId: "ui-suite",
          apiKey: "sk-ui-suite-upstream",
          models: "openai/gpt-4o-mini 0.15 0.6",
        },
      }),
      "create provider",
    );
    const { key, secret } = await created<{ key: { id: string; name: string }; secret: string }>(
      await api.post("/api/v1/keys", { data: { name: `${id}-key`, allowedProviders: [provider.key] } }),
      "create key",
    );
    const call = await api.post(`/gateway/${provider.key}/v1/chat/completions`, {
      headers: { authorization: `Bearer ${secret}` },
      data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] },
    });
    expect(call.status(), await call.text()).toBe(200);
    const clientId = `${randomBytes(16).toString("hex")}.access`;
    await created(await api.post(`/api/v1/users/${u.id}/service-tokens`, { data: { clientId, name: "UI suite CI" } }), "link service token");
    // The log row is written after the answer: wait until Usage has it.
    await expect.poll(async () => ((await (await api.get("/api/v1/usage")).json()) as { requests?: unknown[] }).requests?.length ?? 0).toBeGreaterThan(0);

    const identities = new Map<Visitor, Identity>();
    identities.set("anonymous", { headers: {} });
    if (mode === "cloudflare-access") {
      identities.set("admin", { headers: await accessHeaders(E2E.cfAdmin.email) });
      identities.set("user", { headers: await accessHeaders(user.email) });
      identities.set("unknown-email", { headers: await accessHeaders(`${id}-stranger@example.com`) });
      identities.set("expired-token", { headers: await accessHeaders(E2E.cfAdmin.email, -3600) });
    } else {
      identities.set("admin", { headers: {}, storageState: await api.storageState() });
      const userApi = await playwrightRequest.newContext({ baseURL });
      const login = await userApi.post("/api/v1/auth/login", { data: { username: user.username, password: user.password } });
      expect(login.status(), await login.text()).toBe(200);
      identities.set("user", { headers: {}, storageState: await userApi.storageState() });
      await userApi.dispose();
    }
    const adminName = mode === "cloudflare-access" ? E2E.cfAdmin.username : E2E.builtinAdmin.username;
    return {
      seed: { admin: { username: adminName }, user: { id: u.id, ...user }, provider, key, serviceToken: { clientId } },
      identities,
    };
  } finally {
    await api.dispose();
  }
}

/** A browser context and page per visitor for one viewport size, made on first use and reused. */
export class Visitors {
  private contexts = new Map<Visitor, BrowserContext>();
  private pages = new Map<Visitor, Page>();

  constructor(
    private browser: Browser,
    private identities: Map<Visitor, Identity>,
    private viewport: { width: number; height: number },
    private baseURL: string,
  ) {}

  async context(who: Visitor): Promise<BrowserContext> {
    let context = this.contexts.get(who);
    if (!context) {
      const identity = this.identities.get(who);
      if (!identity) throw new Error(`no identity for ${who}`);
      context = await this.browser.newContext({ baseURL: this.baseURL, viewport: this.viewport, extraHTTPHeaders: identity.headers, storageState: identity.storageState });
      this.contexts.set(who, context);
    }
    return context;
  }

  /** The visitor's page (a fresh one after {@link discard}). */
  async page(who: Visitor): Promise<Page> {
    let page = this.pages.get(who);
    if (!page || page.isClosed()) {
      page = await (await this.context(who)).newPage();
      this.pages.set(who, page);
    }
    return page;
  }

  /** Drops the visitor's page (after a failure, so the next test starts clean). */
  async discard(who: Visitor): Promise<void> {
    await this.pages.get(who)?.close();
    this.pages.delete(who);
  }

  async close(): Promise<void> {
    for (const context of this.contexts.values()) await context.close();
    this.contexts.clear();
  }
}
