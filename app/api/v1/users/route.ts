import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { createUser, listUsers } from "@/lib/users/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/users — all users (admin). */
  GET: async () => {
    await requireAdmin();
    return { users: await listUsers() };
  },
  /** POST /api/v1/users {username, email?, password?, role?} — create (admin). */
  POST: async (req: Request) => {
    await requireAdmin();
    const user = await createUser(await readJson(req));
    return Response.json({ user }, { status: 201 });
  },
});
