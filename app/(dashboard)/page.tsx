import Link from "next/link";
import { LinkProgress } from "@/app/_components/link-progress";
import { Card, PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/lib/auth/dal";
import { getConfig } from "@/lib/config";
import { listKeys } from "@/lib/keys/queries";
import { listProviders } from "@/lib/providers/queries";
import { formatUsd } from "@/lib/format/money";
import { getRangeTotals } from "@/lib/usage/dashboard";
import { parseUsageFilters } from "@/lib/usage/filters";
import { GatewayUrl } from "./gateway-url";

export const metadata = { title: "Overview" };

function Stat({ label, value, href }: { label: string; value: string; href: string }) {
  return (
    <Link href={href} className="min-w-0 rounded-xl border border-zinc-200 bg-white p-4 shadow-sm sm:p-5 transition hover:border-zinc-300">
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-600">{label}</p>
      <p className="mt-2 text-xl font-semibold break-all tabular-nums text-zinc-900 sm:text-2xl">{value}</p>
      <LinkProgress />
    </Link>
  );
}

export default async function OverviewPage() {
  const principal = await requirePageUser();
  const actor = { userId: principal.userId, role: principal.role };
  // The last 30 UTC days, today included, from the hourly rollup (fast at millions of calls).
  const last30Days = parseUsageFilters({ from: new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10) });
  const [totals, keys, providers] = await Promise.all([getRangeTotals({ actor, filters: last30Days }), listKeys({ actor }), listProviders()]);
  const activeKeys = keys.filter((k) => k.status === "active").length;
  const publicOrigin = getConfig().publicOrigin;
  return (
    <>
      <PageHeader title={`Welcome, ${principal.username}`} description={principal.role === "admin" ? "Everyone's gateway traffic over the last 30 days." : "Your gateway traffic over the last 30 days."} />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Requests" value={totals.requests.toLocaleString("en")} href="/usage" />
        <Stat label="Tokens" value={(totals.promptTokens + totals.completionTokens).toLocaleString("en")} href="/usage" />
        <Stat label="Cost (USD)" value={formatUsd(totals.costUsd)} href="/usage" />
        <Stat label="Active keys" value={String(activeKeys)} href="/keys" />
      </div>
      <Card className="mt-6" title="Call the gateway" description="Point any OpenAI SDK at a provider's gateway URL and use a virtual key.">
        <div className="space-y-2 px-5 py-4 text-sm">
          {providers.length === 0 ? (
            <p className="text-zinc-600">
              No providers yet.{" "}
              {principal.role === "admin" ? (
                <>
                  Add one on the{" "}
                  <Link href="/providers" className="font-medium text-zinc-900 underline underline-offset-2">
                    Providers page
                    <LinkProgress />
                  </Link>
                  .
                </>
              ) : (
                "Ask an admin to add one."
              )}
            </p>
          ) : (
            <ul className="space-y-2" data-testid="gateway-urls">
              {providers.map((p) => (
                <li key={p.id} className="space-y-1 rounded-lg bg-zinc-50 px-3 py-2" data-testid={`gateway-url-${p.key}`}>
                  <p className="min-w-0 break-all">
                    <span className="font-medium text-zinc-900">{p.name}</span> <span className="font-mono text-xs text-zinc-600">{p.key}</span>
                  </p>
                  <GatewayUrl path={p.gatewayPath} configuredOrigin={publicOrigin} providerName={`${p.name} (${p.key})`} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </Card>
    </>
  );
}
