import { CloudflareRequiredNotice } from "@/app/_components/access-notices";

export const metadata = { title: "Sign in through Cloudflare Access" };

export default function AccessRequiredPage() {
  return <CloudflareRequiredNotice />;
}
