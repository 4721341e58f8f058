"use client";

import clsx from "clsx";
import { useState } from "react";
import { Drawer } from "@/app/_components/drawer";
import { TimeAgo } from "@/app/_components/time-ago";
import { Badge, buttonStyles, Table, Td, Th } from "@/app/_components/ui";
import { formatUsd } from "@/lib/format/money";
import type { CallDTO } from "@/lib/usage/dashboard";

const nf = new Intl.NumberFormat("en");

/** What refused a call, for people: `key_budget_day` → "the key's daily budget". */
export function describeLimit(limit: string): string {
  const [scope, kind, period] = limit.split("_");
  const who = scope === "user" ? "the user's" : "the key's";
  if (kind === "rpm") return `${who} requests-per-minute limit`;
  if (kind === "tpm") return `${who} tokens-per-minute limit`;
  if (kind === "budget") return `${who} ${period === "day" ? "daily" : period === "week" ? "weekly" : "monthly"} budget`;
  return limit;
}

function StatusBadge({ call }: { call: CallDTO }) {
  if (call.outcome === "limited") return <Badge tone="red">{call.status} limited</Badge>;
  return <Badge tone={call.status >= 200 && call.status < 300 ? "green" : call.status >= 400 ? "red" : "neutral"}>{call.status}</Badge>;
}

const dash = <span className="text-zinc-600">—</span>;
const num = (n: number | null, unit = "") => (n === null ? dash : `${nf.format(n)}${unit}`);

/** The calls of one page; "Details" opens a drawer with everything logged about the call. */
export function CallsTable({ calls, showUser }: { calls: CallDTO[]; showUser: boolean }) {
  const [openId, setOpenId] = useState<number | null>(null);
  const open = calls.find((c) => c.id === openId) ?? null;
  return (
    <>
      <Table label="Calls">
        <thead>
          <tr>
            <Th>Time</Th>
            {showUser ? <Th>User</Th> : null}
            <Th>Key</Th>
            <Th>Provider · model</Th>
            <Th>Status</Th>
            <Th className="text-right">Tokens</Th>
            <Th className="text-right">Cost</Th>
            <Th className="text-right">Latency</Th>
            <Th className="text-right">
              <span className="sr-only">Details</span>
            </Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100" data-testid="usage-table">
          {calls.map((c) => (
            <tr key={c.id} data-testid="usage-row" data-call-id={c.id} className="hover:bg-zinc-50/60">
              <Td label="Time">
                <TimeAgo iso={c.createdAt} />
              </Td>
              {showUser ? <Td label="User">{c.username ?? <span className="text-zinc-600">deleted user</span>}</Td> : null}
              <Td label="Key">{c.keyName ?? <span className="text-zinc-600">{c.keyId ? "deleted key" : "no key"}</span>}</Td>
              <Td label="Provider · model">
                <div className="min-w-0">
                  <span title={c.providerName ?? "deleted provider"}>{c.providerName ?? c.providerKey}</span>
                  <p className="max-w-56 truncate font-mono text-xs text-zinc-600">{c.model ?? `${c.method} ${c.path}`}</p>
                </div>
              </Td>
              <Td label="Status">
                <StatusBadge call={c} />
              </Td>
              <Td label="Tokens" className="tabular-nums md:text-right">
                <span title="prompt / completion tokens">
                  {num(c.promptTokens)}
                  <span className="text-zinc-600" aria-hidden> / </span>
                  {num(c.completionTokens)}
                </span>
              </Td>
              <Td label="Cost" className="tabular-nums md:text-right">
                {formatUsd(c.costUsd)}
              </Td>
              <Td label="Latency" className="tabular-nums md:text-right">
                {nf.format(c.latencyMs)} ms
              </Td>
              <Td className="md:text-right">
                <button type="button" onClick={() => setOpenId(c.id)} className={clsx(buttonStyles.base, buttonStyles.ghost, buttonStyles.small)}>
                  Details<span className="sr-only"> of call {c.id}</span>
                </button>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Drawer open={open !== null} onClose={() => setOpenId(null)} title={open ? `Call ${open.id}` : "Call"}>
        {open ? <CallDetails call={open} /> : null}
      </Drawer>
    </>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-3 py-2">
      <dt className="text-xs font-medium text-zinc-600">{label}</dt>
      <dd className="col-span-2 min-w-0 text-sm break-words text-zinc-900">{children}</dd>
    </div>
  );
}

function CallDetails({ call }: { call: CallDTO }) {
  return (
    <div data-testid="call-details">
      {call.limitRefused ? (
        <p className="mb-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800" role="note">
          Refused by {describeLimit(call.limitRefused)} (<span className="font-mono">{call.limitRefused}</span>); it never reached the provider.
        </p>
      ) : null}
      <dl className="divide-y divide-zinc-100">
        <Row label="Time">
          <time dateTime={call.createdAt}>{new Date(call.createdAt).toUTCString()}</time>
        </Row>
        <Row label="Status">
          <StatusBadge call={call} /> <span className="ml-1 text-xs text-zinc-600">{call.outcome}</span>
        </Row>
        {call.limitRefused ? <Row label="Limit refused">{call.limitRefused}</Row> : null}
        {call.errorCode ? <Row label="Error code">{call.errorCode}</Row> : null}
        <Row label="User">{call.username ?? "deleted user"}</Row>
        <Row label="Key">{call.keyName ?? (call.keyId ? "deleted key" : "no key (refused at the door)")}</Row>
        <Row label="Provider">
          {call.providerName ?? call.providerKey} <span className="font-mono text-xs text-zinc-600">{call.providerKey}</span>
        </Row>
        <Row label="Model">{call.model ? <span className="font-mono text-xs">{call.model}</span> : dash}</Row>
        <Row label="Request">
          <span className="font-mono text-xs">
            {call.method} {call.path}
          </span>
          {call.stream ? <span className="ml-1 text-xs text-zinc-600">(streamed)</span> : null}
        </Row>
        <Row label="Prompt tokens">{num(call.promptTokens)}</Row>
        <Row label="Completion tokens">{num(call.completionTokens)}</Row>
        {call.cachedTokens !== null ? <Row label="Cached tokens">{num(call.cachedTokens)}</Row> : null}
        {call.reasoningTokens !== null ? <Row label="Reasoning tokens">{num(call.reasoningTokens)}</Row> : null}
        <Row label="Cost">{formatUsd(call.costUsd)}</Row>
        <Row label="Latency">{num(call.latencyMs, " ms")}</Row>
        <Row label="Time to first token">{num(call.ttfbMs, " ms")}</Row>
        <Row label="Upstream error">{call.errorExcerpt ? <pre className="font-mono text-xs whitespace-pre-wrap">{call.errorExcerpt}</pre> : dash}</Row>
      </dl>
    </div>
  );
}
