import { requireUser } from "@/lib/auth/dal";
import { deletePasskey, renamePasskey } from "@/lib/credentials/passkeys";
import { apiHandlers, readJson } from "@/lib/http/api";

type Ctx = { params: Promise<{ id: string }> };

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers<Ctx>({
  /** PATCH /api/v1/account/passkeys/{id} {name} — renames one of your passkeys. */
  PATCH: async (req: Request, { params }: Ctx) => {
    const me = await requireUser();
    const body = await readJson(req);
    return { passkey: await renamePasskey({ userId: me.userId, id: (await params).id, name: body.name }) };
  },
  /** DELETE /api/v1/account/passkeys/{id} — it signs nobody in any more. */
  DELETE: async (_req: Request, { params }: Ctx) => {
    const me = await requireUser();
    await deletePasskey({ userId: me.userId, id: (await params).id });
    return new Response(null, { status: 204 });
  },
});
