import clsx from "clsx";
import Link from "next/link";
import { ButtonLink, Card, EmptyState, PageHeader, buttonStyles } from "@/app/_components/ui";
import { requirePageUser } from "@/lib/auth/dal";
import { AppError } from "@/lib/errors";
import { formatUsd } from "@/lib/format/money";
import { listKeys } from "@/lib/keys/queries";
import { listProviders } from "@/lib/providers/queries";
import { getBreakdown, getRangeTotals, getUsageSeries, listCalls, type BreakdownDimension, type BreakdownRow } from "@/lib/usage/dashboard";
import { parseUsageFilters, usageQuery, type UsageFilters } from "@/lib/usage/filters";
import { listUsers } from "@/lib/users/queries";
import { CallsTable } from "./calls-table";
import { UsageChart } from "./usage-chart";

export const metadata = { title: "Usage" };

const nf = new Intl.NumberFormat("en");

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="min-w-0 rounded-xl border border-zinc-200 bg-white p-4 shadow-sm sm:p-5">
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-600">{label}</p>
      <p className="mt-2 text-xl font-semibold break-all tabular-nums text-zinc-900 sm:text-2xl">{value}</p>
      {detail ? <p className="mt-1 text-xs text-zinc-600">{detail}</p> : null}
    </div>
  );
}

type SearchParams = Record<string, string | string[] | undefined>;

export default async function UsagePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await requirePageUser();
  const actor = { userId: principal.userId, role: principal.role };
  const isAdmin = principal.role === "admin";
  const params = await searchParams;
  let filters: UsageFilters;
  let problem: string | null = null;
  try {
    filters = parseUsageFilters(params);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problem = err.message;
    filters = parseUsageFilters({});
  }

  const [totals, series, byUser, byKey, byProvider, byModel, page, keys, providerList, userList] = await Promise.all([
    getRangeTotals({ actor, filters }),
    getUsageSeries({ actor, filters }),
    isAdmin ? getBreakdown({ actor, filters, by: "user" }) : Promise.resolve([]),
    getBreakdown({ actor, filters, by: "key" }),
    getBreakdown({ actor, filters, by: "provider" }),
    getBreakdown({ actor, filters, by: "model" }),
    listCalls({ actor, filters }),
    listKeys({ actor }),
    listProviders(),
    isAdmin ? listUsers() : Promise.resolve([]),
  ]);
  const models = [...new Set(providerList.flatMap((p) => p.models.map((m) => m.id)))].sort();
  const errorRate = totals.requests > 0 ? (totals.errors / totals.requests) * 100 : 0;
  const exportHref = `/api/v1/usage/export.csv?${usageQuery(filters)}`;

  return (
    <>
      <PageHeader
        title="Usage"
        description={isAdmin ? "Gateway traffic and spend of every user." : "Your gateway traffic and spend."}
        actions={
          <a href={exportHref} className={clsx(buttonStyles.base, buttonStyles.secondary)} download>
            Export CSV
          </a>
        }
      />
      <Card className="mb-6">
        <form method="get" className="grid gap-3 p-4 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filters">
          <FilterField label="From" htmlFor="f-from">
            <input id="f-from" name="from" type="date" defaultValue={filters.fromDay} className={inputStyles} />
          </FilterField>
          <FilterField label="To" htmlFor="f-to">
            <input id="f-to" name="to" type="date" defaultValue={filters.toDay} className={inputStyles} />
          </FilterField>
          {isAdmin ? (
            <FilterField label="User" htmlFor="f-user">
              <select id="f-user" name="userId" defaultValue={filters.userId ?? ""} className={inputStyles}>
                <option value="">Everyone</option>
                {userList.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.username}
                  </option>
                ))}
              </select>
            </FilterField>
          ) : null}
          <FilterField label="Key" htmlFor="f-key">
            <select id="f-key" name="keyId" defaultValue={filters.keyId ?? ""} className={inputStyles}>
              <option value="">All keys</option>
              {keys.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name}
                  {isAdmin && k.userId !== principal.userId ? ` (${k.username})` : ""}
                </option>
              ))}
            </select>
          </FilterField>
          <FilterField label="Provider" htmlFor="f-provider">
            <select id="f-provider" name="provider" defaultValue={filters.provider ?? ""} className={inputStyles}>
              <option value="">All providers</option>
              {providerList.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.name}
                </option>
              ))}
              {filters.provider && !providerList.some((p) => p.key === filters.provider) ? <option value={filters.provider}>{filters.provider}</option> : null}
            </select>
          </FilterField>
          <FilterField label="Model" htmlFor="f-model">
            <input id="f-model" name="model" list="f-models" defaultValue={filters.model ?? ""} placeholder="All models" className={inputStyles} />
            <datalist id="f-models">
              {models.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </FilterField>
          <FilterField label="Calls" htmlFor="f-outcome">
            <select id="f-outcome" name="outcome" defaultValue={filters.outcome ?? ""} className={inputStyles}>
              <option value="">All calls</option>
              <option value="errors">Errors only</option>
              <option value="refused">Refused at the door</option>
              <option value="limited">Refused by a limit</option>
            </select>
          </FilterField>
          <FilterField label="Chart per" htmlFor="f-bucket">
            <select id="f-bucket" name="bucket" defaultValue={filters.bucket} className={inputStyles}>
              <option value="hour">Hour</option>
              <option value="day">Day</option>
            </select>
          </FilterField>
          <div className="flex items-end gap-2 sm:col-span-3 lg:col-span-2">
            <button type="submit" className={clsx(buttonStyles.base, buttonStyles.primary)}>
              Apply
            </button>
            <Link href="/usage" className={clsx(buttonStyles.base, buttonStyles.ghost)}>
              Reset
            </Link>
          </div>
          {problem ? (
            <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 sm:col-span-3 lg:col-span-6">
              {problem} — showing the last 7 days instead.
            </p>
          ) : null}
        </form>
      </Card>

      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="usage-totals">
        <Stat label="Requests" value={nf.format(totals.requests)} detail={`${filters.fromDay} to ${filters.toDay} (UTC)`} />
        <Stat label="Errors" value={nf.format(totals.errors)} detail={totals.requests > 0 ? `${errorRate.toFixed(1)}% · ${nf.format(totals.limited)} refused by limits` : undefined} />
        <Stat label="Tokens" value={nf.format(totals.promptTokens + totals.completionTokens)} detail={`${nf.format(totals.promptTokens)} prompt · ${nf.format(totals.completionTokens)} completion`} />
        <Stat label="Cost (USD)" value={formatUsd(totals.costUsd)} />
      </div>

      <Card className="mt-6" title="Over time">
        <UsageChart bucket={filters.bucket} points={series.map((p) => ({ at: p.at, requests: p.requests, tokens: p.promptTokens + p.completionTokens, costUsd: p.costUsd }))} />
      </Card>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        {isAdmin ? <Breakdown title="By user" by="user" rows={byUser} filters={filters} param="userId" /> : null}
        <Breakdown title="By key" by="key" rows={byKey} filters={filters} param="keyId" />
        <Breakdown title="By provider" by="provider" rows={byProvider} filters={filters} param="provider" />
        <Breakdown title="By model" by="model" rows={byModel} filters={filters} param="model" />
      </div>

      <Card className="mt-6" title="Calls" description="Newest first. Tokens are prompt / completion; Details shows everything logged about a call.">
        {page.calls.length === 0 ? (
          <EmptyState title="No calls in this range" action={<ButtonLink href="/keys" variant="secondary">Go to virtual keys</ButtonLink>}>
            Calls through the gateway show up here with their tokens, cost and latency.
          </EmptyState>
        ) : (
          <>
            <CallsTable calls={page.calls} showUser={isAdmin} />
            <nav aria-label="Pages of calls" className="flex justify-end gap-2 border-t border-zinc-100 px-4 py-3">
              {filters.cursor ? (
                <Link href={`/usage?${usageQuery(filters)}`} className={clsx(buttonStyles.base, buttonStyles.secondary, buttonStyles.small)}>
                  Newest
                </Link>
              ) : null}
              {page.nextCursor ? (
                <Link href={`/usage?${usageQuery(filters, { cursor: page.nextCursor })}`} className={clsx(buttonStyles.base, buttonStyles.secondary, buttonStyles.small)}>
                  Older calls
                </Link>
              ) : null}
            </nav>
          </>
        )}
      </Card>
    </>
  );
}

const inputStyles = "mt-1 block w-full rounded-lg border border-zinc-300 bg-white px-2.5 py-1.5 text-sm shadow-xs focus:border-zinc-500 focus:ring-2 focus:ring-zinc-200 focus:outline-none";

function FilterField({ label, htmlFor, children }: { label: string; htmlFor: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <label htmlFor={htmlFor} className="block text-xs font-medium text-zinc-700">
        {label}
      </label>
      {children}
    </div>
  );
}

function Breakdown({ title, by, rows, filters, param }: { title: string; by: BreakdownDimension; rows: BreakdownRow[]; filters: UsageFilters; param: string }) {
  return (
    <Card title={title}>
      {rows.length === 0 ? (
        <p className="px-5 py-4 text-sm text-zinc-600">No calls in this range.</p>
      ) : (
        // Fixed layout: the name column takes what is left and truncates, so a long key name never widens the page on a phone.
        <table className="w-full table-fixed text-sm" aria-label={`Usage ${title.toLowerCase()}`} data-testid={`breakdown-${by}`}>
          <thead>
            <tr className="bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
              <th scope="col" className="px-4 py-2">
                {by}
              </th>
              <th scope="col" className="w-24 px-4 py-2 text-right">
                Requests
              </th>
              <th scope="col" className="hidden w-24 px-4 py-2 text-right sm:table-cell">
                Tokens
              </th>
              <th scope="col" className="w-24 px-4 py-2 text-right">
                Cost
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {rows.map((r) => (
              <tr key={r.id ?? "none"} className="tabular-nums">
                <td className="truncate px-4 py-2">
                  {r.id !== null ? (
                    <Link href={`/usage?${usageQuery(filters, { [param]: r.id })}`} className="text-zinc-900 underline decoration-zinc-300 underline-offset-2 hover:decoration-zinc-600">
                      {r.label}
                    </Link>
                  ) : (
                    <span className="text-zinc-600">{r.label}</span>
                  )}
                </td>
                <td className="px-4 py-2 text-right">{nf.format(r.requests)}</td>
                <td className="hidden px-4 py-2 text-right sm:table-cell">{nf.format(r.promptTokens + r.completionTokens)}</td>
                <td className="px-4 py-2 text-right">{formatUsd(r.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
