import { requireUser } from "@/lib/auth/dal";
import { apiRoute, readJson } from "@/lib/http/api";
import { createKey, listKeys } from "@/lib/keys/queries";

/** GET /api/v1/keys — your keys (admins: everyone's). Secrets are never listed. */
export const GET = apiRoute(async () => {
  const p = await requireUser();
  return { keys: await listKeys({ actor: { userId: p.userId, role: p.role } }) };
});

/** POST /api/v1/keys {name, allowedProviders?, expiresAt?, userId? (admin)} — the secret is in this answer only. */
export const POST = apiRoute(async (req: Request) => {
  const p = await requireUser();
  const { key, secret } = await createKey({ actor: { userId: p.userId, role: p.role }, input: await readJson(req) });
  return Response.json({ key, secret }, { status: 201 });
});
