import { getSetupRequired } from "@/lib/auth/sign-in";
import { apiRoute } from "@/lib/http/api";

/** GET /api/v1/auth/setup-required — `{ setup_required }`. Public. */
export const GET = apiRoute(async () => ({ setup_required: await getSetupRequired() }));
