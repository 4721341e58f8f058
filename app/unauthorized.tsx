import { CloudflareRequiredNotice } from "./_components/access-notices";

// Rendered with status 401 by unauthorized() (lib/auth/dal.ts) in Cloudflare Access mode.
export default function Unauthorized() {
  return <CloudflareRequiredNotice />;
}
