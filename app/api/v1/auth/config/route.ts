import { getAuthConfig } from "@/lib/auth/sign-in";
import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/auth/config — sign-in mode and logout URL. Public. */
  GET: () => getAuthConfig(),
});
