import { ConfirmAction } from "@/app/_components/dialog";
import { ActionsCell } from "@/app/_components/table-actions";
import { Badge, Card, EmptyState, PageHeader, RelativeTime, Table, Td, Th } from "@/app/_components/ui";
import { requirePageUser } from "@/lib/auth/dal";
import { listKeys, type VirtualKeyDTO } from "@/lib/keys/queries";
import { listProviders } from "@/lib/providers/queries";
import { listUsers } from "@/lib/users/queries";
import { formatUsd } from "@/lib/format/money";
import { revokeKeyAction } from "./actions";
import { EditKeyDialog } from "./edit-key-dialog";
import { CreateKeyButton, CreateKeyProvider, type ProviderOption, type UserOption } from "./create-key-dialog";

export const metadata = { title: "Virtual keys" };

const STATUS = {
  active: <Badge tone="green">Active</Badge>,
  revoked: <Badge tone="red">Revoked</Badge>,
  expired: <Badge>Expired</Badge>,
} as const;

function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

export default async function KeysPage() {
  const principal = await requirePageUser();
  const isAdmin = principal.role === "admin";
  const actor = { userId: principal.userId, role: principal.role };
  const [keys, providerList, userList] = await Promise.all([listKeys({ actor }), listProviders(), isAdmin ? listUsers() : Promise.resolve(null)]);
  const providers: ProviderOption[] = providerList.map((p) => ({ key: p.key, name: p.name, models: p.models.map((m) => m.id) }));
  const users: UserOption[] | undefined = userList?.map((u) => ({ id: u.id, username: u.username }));

  return (
    <CreateKeyProvider providers={providers} users={users} currentUserId={principal.userId}>
      <PageHeader
        title="Virtual keys"
        description={
          <>
            Keys for calling the gateway. Gatehouse stores only a hash, so a key&apos;s secret is shown once, when it is created.
            {isAdmin ? " As an admin you see everyone's keys." : ""}
          </>
        }
        actions={<CreateKeyButton />}
      />
      <Card>
        {keys.length === 0 ? (
          <EmptyState title="No virtual keys yet" action={<CreateKeyButton label="Create your first key" variant="secondary" />}>
            Create a key, then point any OpenAI SDK at <span className="font-mono text-zinc-700">/gateway/&lt;provider&gt;/v1</span> with it.
          </EmptyState>
        ) : (
          <Table label="Virtual keys">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Key</Th>
                {isAdmin ? <Th>Owner</Th> : null}
                <Th>Providers</Th>
                <Th>Expires</Th>
                <Th>Spend</Th>
                <Th>Last minute</Th>
                <Th>Status</Th>
                <Th>Last used</Th>
                <Th className="text-right">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100" data-testid="keys-table">
              {keys.map((k) => (
                <KeyRow key={k.id} k={k} showOwner={isAdmin} isOwn={k.userId === principal.userId} providers={providers} />
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </CreateKeyProvider>
  );
}

const PERIOD_WORD = { day: "today", week: "this week", month: "this month" } as const;

/** Spend this period against the budget ("$1.20 of $5.00 today"), with a bar when there is a budget. */
function SpendCell({ k }: { k: VirtualKeyDTO }) {
  const { spentUsd, period } = k.spend;
  const budget = k.limits.budgetUsd;
  if (budget === null) {
    return (
      <span className="tabular-nums">
        {formatUsd(spentUsd)} <span className="text-xs text-zinc-600">{PERIOD_WORD[period]}</span>
      </span>
    );
  }
  const share = budget > 0 ? Math.min(1, spentUsd / budget) : 1;
  const over = spentUsd >= budget;
  return (
    <div className="min-w-32" data-testid="key-spend">
      <span className="tabular-nums">
        {formatUsd(spentUsd)} <span className="text-zinc-600">of {formatUsd(budget)}</span> <span className="text-xs text-zinc-600">{PERIOD_WORD[period]}</span>
      </span>
      <div className="mt-1 h-1.5 w-full overflow-hidden rounded-full bg-zinc-100" role="meter" aria-valuemin={0} aria-valuemax={budget} aria-valuenow={spentUsd} aria-label={`Budget used by ${k.name}`}>
        <div className={over ? "h-full bg-red-600" : "h-full bg-emerald-600"} style={{ width: `${share * 100}%` }} />
      </div>
      {over ? <p className="mt-0.5 text-xs font-medium text-red-700">Budget spent: calls are refused</p> : null}
    </div>
  );
}

function LimitsNote({ k }: { k: VirtualKeyDTO }) {
  const { requestsPerMinute: rpm, tokensPerMinute: tpm } = k.limits;
  const parts = [rpm !== null ? `${rpm.toLocaleString("en")} req/min` : null, tpm !== null ? `${tpm.toLocaleString("en")} tokens/min` : null].filter(Boolean);
  return parts.length > 0 ? <p className="text-xs text-zinc-600">Limit {parts.join(" · ")}</p> : null;
}

function KeyRow({ k, showOwner, isOwn, providers }: { k: VirtualKeyDTO; showOwner: boolean; isOwn: boolean; providers: ProviderOption[] }) {
  return (
    <tr data-testid={`key-row-${k.name}`} className={k.status === "active" ? "hover:bg-zinc-50/60" : "bg-zinc-50/40 text-zinc-600"}>
      <Td>
        <div className="min-w-0">
          <span className={k.status === "active" ? "font-medium break-all text-zinc-900" : "font-medium break-all text-zinc-600"}>{k.name}</span>
          <p className="text-xs text-zinc-600">
            Created <RelativeTime iso={k.createdAt} />
          </p>
        </div>
      </Td>
      <Td label="Key">
        <span className="font-mono text-xs text-zinc-600">{k.displayKey}</span>
      </Td>
      {showOwner ? (
        <Td label="Owner">
          {k.username}
          {isOwn ? <span className="ml-1 text-xs text-zinc-600">(you)</span> : null}
        </Td>
      ) : null}
      <Td label="Providers">
        {k.allowedProviders.length === 0 ? (
          <span className="text-zinc-600">All providers</span>
        ) : (
          <div className="flex max-w-64 flex-wrap gap-1">
            {k.allowedProviders.map((p) => (
              <span key={p} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700">
                {p}
              </span>
            ))}
          </div>
        )}
      </Td>
      <Td label="Expires">{k.expiresAt ? <time dateTime={k.expiresAt}>{formatDate(k.expiresAt)}</time> : <span className="text-zinc-600">Never</span>}</Td>
      <Td label="Spend">
        <SpendCell k={k} />
      </Td>
      <Td label="Last minute">
        <span className="tabular-nums" data-testid="key-last-minute">
          {k.spend.requestsLastMinute.toLocaleString("en")} {k.spend.requestsLastMinute === 1 ? "request" : "requests"}
        </span>
        <LimitsNote k={k} />
      </Td>
      <Td label="Status">{STATUS[k.status]}</Td>
      <Td label="Last used">
        <RelativeTime iso={k.lastUsedAt} />
      </Td>
      <ActionsCell>
        {k.status === "active" ? <EditKeyDialog k={k} providers={providers} /> : null}
        {k.status === "active" ? (
          <ConfirmAction action={revokeKeyAction} fields={{ id: k.id }} label="Revoke" subject={k.name} title={`Revoke ${k.name}?`} confirmLabel="Revoke key">
            Requests with <span className="font-mono text-zinc-800">{k.displayKey}</span> are refused from now on. This cannot be undone; create a new key if it is
            needed again.
          </ConfirmAction>
        ) : null}
      </ActionsCell>
    </tr>
  );
}
