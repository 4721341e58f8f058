import { getSetupRequired } from "@/lib/auth/sign-in";
import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/auth/setup-required — `{ setup_required }`. Public. */
  GET: async () => ({ setup_required: await getSetupRequired() }),
});
