import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { deleteUser, getUserById, updateUser } from "@/lib/users/queries";

type Ctx = { params: Promise<{ id: string }> };

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers<Ctx>({
  /** GET /api/v1/users/{id} (admin). */
  GET: async (_req: Request, { params }: Ctx) => {
    await requireAdmin();
    return { user: await getUserById({ id: (await params).id }) };
  },
  /** PATCH /api/v1/users/{id} {email?: string|null, role?} (admin). The last admin cannot be demoted. */
  PATCH: async (req: Request, { params }: Ctx) => {
    await requireAdmin();
    return { user: await updateUser({ id: (await params).id, input: await readJson(req) }) };
  },
  /** DELETE /api/v1/users/{id} (admin). The last admin cannot be deleted. */
  DELETE: async (_req: Request, { params }: Ctx) => {
    await requireAdmin();
    await deleteUser({ id: (await params).id });
    return new Response(null, { status: 204 });
  },
});
