import { requireAdmin } from "@/lib/auth/dal";
import { apiRoute, readJson } from "@/lib/http/api";
import { createUser, listUsers } from "@/lib/users/queries";

/** GET /api/v1/users — all users (admin). */
export const GET = apiRoute(async () => {
  await requireAdmin();
  return { users: await listUsers() };
});

/** POST /api/v1/users {username, email?, password?, role?} — create (admin). */
export const POST = apiRoute(async (req: Request) => {
  await requireAdmin();
  const user = await createUser(await readJson(req));
  return Response.json({ user }, { status: 201 });
});
