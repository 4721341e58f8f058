import { getAuthConfig } from "@/lib/auth/sign-in";

/** GET /api/v1/auth/config — sign-in mode and logout URL. Public. */
export function GET(): Response {
  return Response.json(getAuthConfig());
}
