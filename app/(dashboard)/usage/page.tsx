import { Badge, ButtonLink, Card, EmptyState, PageHeader, RelativeTime, Table, Td, Th } from "@/app/_components/ui";
import { requirePageUser } from "@/lib/auth/dal";
import { formatUsd } from "@/lib/format/money";
import { listRequestLogs, getUsageTotals, type RequestLogDTO } from "@/lib/usage/queries";

export const metadata = { title: "Usage" };

const RECENT_LIMIT = 100;
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

function StatusBadge({ status }: { status: number }) {
  return <Badge tone={status >= 200 && status < 300 ? "green" : status >= 400 ? "red" : "neutral"}>{status}</Badge>;
}

export default async function UsagePage() {
  const principal = await requirePageUser();
  const actor = { userId: principal.userId, role: principal.role };
  const isAdmin = principal.role === "admin";
  const [totals, logs] = await Promise.all([getUsageTotals({ actor }), listRequestLogs({ actor, limit: RECENT_LIMIT })]);
  const errorRate = totals.requests > 0 ? (totals.errors / totals.requests) * 100 : 0;

  return (
    <>
      <PageHeader title="Usage" description={isAdmin ? "Gateway traffic of every user. Totals cover the last 30 days." : "Your gateway traffic. Totals cover the last 30 days."} />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="usage-totals">
        <Stat label="Requests" value={nf.format(totals.requests)} />
        <Stat label="Errors" value={nf.format(totals.errors)} detail={totals.requests > 0 ? `${errorRate.toFixed(1)}% of requests` : undefined} />
        <Stat
          label="Tokens"
          value={nf.format(totals.promptTokens + totals.completionTokens)}
          detail={`${nf.format(totals.promptTokens)} prompt · ${nf.format(totals.completionTokens)} completion`}
        />
        <Stat label="Cost (USD)" value={formatUsd(totals.costUsd)} />
      </div>
      <Card
        className="mt-6"
        title="Recent requests"
        description={logs.length >= RECENT_LIMIT ? `The latest ${RECENT_LIMIT}. Tokens are prompt / completion.` : "Tokens are prompt / completion."}
      >
        {logs.length === 0 ? (
          <EmptyState title="No requests yet" action={<ButtonLink href="/keys" variant="secondary">Go to virtual keys</ButtonLink>}>
            Calls through the gateway show up here with their tokens, cost and latency.
          </EmptyState>
        ) : (
          <Table label="Recent requests">
            <thead>
              <tr>
                <Th>Time</Th>
                <Th>User</Th>
                <Th>Provider</Th>
                <Th>Model</Th>
                <Th>Status</Th>
                <Th className="text-right">Tokens</Th>
                <Th className="text-right">Cost</Th>
                <Th className="text-right">Latency</Th>
                <Th>Stream</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100" data-testid="usage-table">
              {logs.map((log) => (
                <LogRow key={log.id} log={log} />
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}

function LogRow({ log }: { log: RequestLogDTO }) {
  const tokens = (n: number | null) => (n === null ? <span className="text-zinc-600">—</span> : nf.format(n));
  return (
    <tr data-testid="usage-row" className="hover:bg-zinc-50/60">
      <Td label="Time">
        <RelativeTime iso={log.createdAt} />
      </Td>
      <Td label="User">{log.username ?? <span className="text-zinc-600">deleted user</span>}</Td>
      <Td label="Provider">
        <span title={log.providerName ?? "deleted provider"}>{log.providerName ?? log.providerKey}</span>
      </Td>
      <Td label="Model">
        <div className="min-w-0">
        {log.model ? <span className="font-mono text-xs text-zinc-700">{log.model}</span> : <span className="text-zinc-600">—</span>}
        <p className="max-w-48 truncate font-mono text-xs text-zinc-600" title={`${log.method} ${log.path}`}>
          {log.method} {log.path}
        </p>
        </div>
      </Td>
      <Td label="Status">
        <StatusBadge status={log.status} />
      </Td>
      <Td label="Tokens" className="tabular-nums md:text-right">
        <span title="prompt / completion tokens">
          {tokens(log.promptTokens)}
          <span className="text-zinc-600" aria-hidden> / </span>
          {tokens(log.completionTokens)}
        </span>
      </Td>
      <Td label="Cost" className="tabular-nums md:text-right">{formatUsd(log.costUsd)}</Td>
      <Td label="Latency" className="tabular-nums md:text-right">{nf.format(log.latencyMs)} ms</Td>
      <Td label="Stream">{log.stream ? "Yes" : "No"}</Td>
    </tr>
  );
}
