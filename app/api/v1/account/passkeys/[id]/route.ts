import { requireUser } from "@/lib/auth/dal";
import { deletePasskey, renamePasskey } from "@/lib/credentials/passkeys";
import { apiRoute, readJson } from "@/lib/http/api";

type Ctx = { params: Promise<{ id: string }> };

/** PATCH /api/v1/account/passkeys/{id} {name} — renames one of your passkeys. */
export const PATCH = apiRoute(async (req: Request, { params }: Ctx) => {
  const me = await requireUser();
  const body = await readJson(req);
  return { passkey: await renamePasskey({ userId: me.userId, id: (await params).id, name: body.name }) };
});

/** DELETE /api/v1/account/passkeys/{id} — it signs nobody in any more. */
export const DELETE = apiRoute(async (_req: Request, { params }: Ctx) => {
  const me = await requireUser();
  await deletePasskey({ userId: me.userId, id: (await params).id });
  return new Response(null, { status: 204 });
});
