import clsx from "clsx";
import Link from "next/link";
import { ConfirmAction } from "@/app/_components/dialog";
import { ActionsCell } from "@/app/_components/table-actions";
import { Badge, buttonStyles, RelativeTime, Table, Td, Th } from "@/app/_components/ui";
import type { UserDTO } from "@/lib/users/queries";
import { formatUsd } from "@/lib/format/money";
import type { SpendNow } from "@/lib/limits/queries";
import { NO_LIMITS, type Limits } from "@/lib/limits/types";
import { UserLimitsDialog } from "./limits-dialog";
import { deleteUserAction } from "./actions";
import { ServiceTokensDialog } from "./service-tokens-dialog";
import { EditUserDialog, PasswordDialog } from "./user-dialogs";

export function UsersTable({
  users,
  currentUserId,
  cfMode,
  limits = {},
  spend = {},
}: {
  users: UserDTO[];
  currentUserId: string;
  cfMode: boolean;
  limits?: Record<string, Limits>;
  spend?: Record<string, SpendNow>;
}) {
  // The last admin can be neither deleted nor demoted (lib/users/queries.ts refuses both),
  // so neither is offered.
  const admins = users.filter((u) => u.role === "admin").length;
  return (
    <Table label="Users">
      <thead>
        <tr>
          <Th>User</Th>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Last sign-in</Th>
          <Th>Service tokens</Th>
          <Th>Limits</Th>
          <Th className="text-right">
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100" data-testid="users-table">
        {users.map((user) => (
          <UserRow
            key={user.id}
            user={user}
            isSelf={user.id === currentUserId}
            isLastAdmin={user.role === "admin" && admins === 1}
            cfMode={cfMode}
            limits={limits[user.id] ?? NO_LIMITS}
            spend={spend[user.id]}
          />
        ))}
      </tbody>
    </Table>
  );
}

const PERIOD_WORD = { day: "today", week: "this week", month: "this month" } as const;

function LimitsSummary({ limits, spend }: { limits: Limits; spend?: SpendNow }) {
  const parts = [
    limits.budgetUsd !== null ? `${formatUsd(spend?.spentUsd ?? 0)} of ${formatUsd(limits.budgetUsd)} ${PERIOD_WORD[limits.budgetPeriod ?? "month"]}` : null,
    limits.requestsPerMinute !== null ? `${limits.requestsPerMinute.toLocaleString("en")} req/min` : null,
    limits.tokensPerMinute !== null ? `${limits.tokensPerMinute.toLocaleString("en")} tokens/min` : null,
  ].filter(Boolean);
  return parts.length === 0 ? <span className="text-zinc-600">None</span> : <span className="text-xs">{parts.join(" · ")}</span>;
}

function UserRow({
  user,
  isSelf,
  isLastAdmin,
  cfMode,
  limits,
  spend,
}: {
  user: UserDTO;
  isSelf: boolean;
  isLastAdmin: boolean;
  cfMode: boolean;
  limits: Limits;
  spend?: SpendNow;
}) {
  return (
    <tr data-testid={`user-row-${user.username}`} className="hover:bg-zinc-50/60">
      <Td>
        <div className="flex items-center gap-3">
          <div className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-xs font-semibold uppercase text-zinc-600" aria-hidden>
            {user.username.slice(0, 1)}
          </div>
          <div className="min-w-0">
            <p className="font-medium break-all text-zinc-900">
              {user.username}
              {isSelf ? <span className="ml-2 align-middle text-xs font-normal text-zinc-600">(you)</span> : null}
            </p>
            <p className="text-xs text-zinc-600">{user.hasPassword ? "Password set" : cfMode ? "Cloudflare Access only" : "No password"}</p>
          </div>
        </div>
      </Td>
      <Td label="Email">
        {user.email ? (
          <span>{user.email}</span>
        ) : cfMode ? (
          <span className="text-amber-700" title="Without an email this person cannot sign in through Cloudflare Access">
            No email · cannot sign in
          </span>
        ) : (
          <span className="text-zinc-600">—</span>
        )}
      </Td>
      <Td label="Role">{user.role === "admin" ? <Badge tone="brand">Admin</Badge> : <Badge>User</Badge>}</Td>
      <Td label="Last sign-in">
        <RelativeTime iso={user.lastLoginAt} />
      </Td>
      <Td label="Service tokens">
        <ServiceTokensDialog user={user} cfMode={cfMode} />
      </Td>
      <Td label="Limits">
        <LimitsSummary limits={limits} spend={spend} />
      </Td>
      <ActionsCell>
        <EditUserDialog user={user} isSelf={isSelf} isLastAdmin={isLastAdmin} cfMode={cfMode} />
        <UserLimitsDialog user={user} limits={limits} />
        {isSelf ? (
          // Your own password changes on the Account page, which asks for the current one.
          cfMode ? null : (
            <Link href="/account#password" className={clsx(buttonStyles.base, buttonStyles.ghost, buttonStyles.small)} aria-label="Change your password on the Account page">
              Password
            </Link>
          )
        ) : (
          <PasswordDialog user={user} cfMode={cfMode} />
        )}
        {isLastAdmin ? (
          <span className="px-2 text-xs text-zinc-600" data-testid="last-admin-note">
            Last admin: cannot be deleted
          </span>
        ) : (
          <ConfirmAction action={deleteUserAction} fields={{ id: user.id }} label="Delete" subject={user.username} title={`Delete ${user.username}?`} confirmLabel="Delete user">
            <p>
              <strong className="font-medium text-zinc-900">{user.username}</strong> will lose access at once. Their virtual keys and service-token links are deleted
              too; their request history stays. This cannot be undone.
            </p>
            {isSelf ? <p className="mt-2 font-medium text-red-700">This is your own account: you will be signed out.</p> : null}
          </ConfirmAction>
        )}
      </ActionsCell>
    </tr>
  );
}
