import { requireAdmin } from "@/lib/auth/dal";
import { apiRoute, readJson } from "@/lib/http/api";
import { deleteUser, getUserById, updateUser } from "@/lib/users/queries";

type Ctx = { params: Promise<{ id: string }> };

/** GET /api/v1/users/{id} (admin). */
export const GET = apiRoute(async (_req: Request, { params }: Ctx) => {
  await requireAdmin();
  return { user: await getUserById({ id: (await params).id }) };
});

/** PATCH /api/v1/users/{id} {email?: string|null, role?} (admin). The last admin cannot be demoted. */
export const PATCH = apiRoute(async (req: Request, { params }: Ctx) => {
  await requireAdmin();
  return { user: await updateUser({ id: (await params).id, input: await readJson(req) }) };
});

/** DELETE /api/v1/users/{id} (admin). The last admin cannot be deleted. */
export const DELETE = apiRoute(async (_req: Request, { params }: Ctx) => {
  await requireAdmin();
  await deleteUser({ id: (await params).id });
  return new Response(null, { status: 204 });
});
