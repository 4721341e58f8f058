import { defineHostileSuite } from "../fixtures/hostile-suite";

// Issue 13: hostile values for every field of every REST route and server action (Cloudflare Access sign-in).
defineHostileSuite("cloudflare-access");
