"use client";

import { ConfirmAction } from "@/app/_components/dialog";
import { Field, Select } from "@/app/_components/form";
import { FormDialog } from "@/app/_components/form-dialog";
import { Badge, RelativeTime, Table, Td, Th } from "@/app/_components/ui";
import type { UserDTO } from "@/lib/users/queries";
import { deleteUserAction, resetPasswordAction, updateUserAction } from "./actions";
import { ServiceTokensDialog } from "./service-tokens-dialog";

export function UsersTable({ users, currentUserId, cfMode }: { users: UserDTO[]; currentUserId: string; cfMode: boolean }) {
  const showTokens = cfMode || users.some((u) => u.serviceTokens.length > 0);
  return (
    <Table>
      <thead>
        <tr>
          <Th>User</Th>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Last sign-in</Th>
          {showTokens ? <Th>Service tokens</Th> : null}
          <Th className="text-right">
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100" data-testid="users-table">
        {users.map((user) => (
          <UserRow key={user.id} user={user} isSelf={user.id === currentUserId} cfMode={cfMode} showTokens={showTokens} />
        ))}
      </tbody>
    </Table>
  );
}

function UserRow({ user, isSelf, cfMode, showTokens }: { user: UserDTO; isSelf: boolean; cfMode: boolean; showTokens: boolean }) {
  return (
    <tr data-testid={`user-row-${user.username}`} className="hover:bg-zinc-50/60">
      <Td>
        <div className="flex items-center gap-3">
          <div className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-xs font-semibold uppercase text-zinc-600" aria-hidden>
            {user.username.slice(0, 1)}
          </div>
          <div>
            <p className="font-medium text-zinc-900">
              {user.username}
              {isSelf ? <span className="ml-2 align-middle text-xs font-normal text-zinc-400">(you)</span> : null}
            </p>
            <p className="text-xs text-zinc-500">{user.hasPassword ? "Password set" : cfMode ? "Cloudflare Access only" : "No password"}</p>
          </div>
        </div>
      </Td>
      <Td>
        {user.email ? (
          <span>{user.email}</span>
        ) : cfMode ? (
          <span className="text-amber-700" title="Without an email this person cannot sign in through Cloudflare Access">
            No email · cannot sign in
          </span>
        ) : (
          <span className="text-zinc-400">—</span>
        )}
      </Td>
      <Td>{user.role === "admin" ? <Badge tone="brand">Admin</Badge> : <Badge>User</Badge>}</Td>
      <Td>
        <RelativeTime iso={user.lastLoginAt} />
      </Td>
      {showTokens ? (
        <Td>
          {user.serviceTokens.length === 0 ? (
            <span className="text-zinc-400">—</span>
          ) : (
            <ul className="space-y-0.5">
              {user.serviceTokens.map((t) => (
                <li key={t.id} className="max-w-56 truncate font-mono text-xs text-zinc-600" title={`${t.name} · ${t.clientId}`}>
                  {t.clientId}
                </li>
              ))}
            </ul>
          )}
        </Td>
      ) : null}
      <Td className="text-right">
        <div className="flex items-center justify-end gap-1">
          <EditUserDialog user={user} isSelf={isSelf} cfMode={cfMode} />
          <PasswordDialog user={user} isSelf={isSelf} cfMode={cfMode} />
          <ServiceTokensDialog user={user} cfMode={cfMode} />
          <ConfirmAction action={deleteUserAction} fields={{ id: user.id }} label="Delete" title={`Delete ${user.username}?`} confirmLabel="Delete user">
            <p>
              <strong className="font-medium text-zinc-900">{user.username}</strong> will lose access at once. Their virtual keys and service-token links are deleted
              too; their request history stays. This cannot be undone.
            </p>
            {isSelf ? <p className="mt-2 font-medium text-red-700">This is your own account: you will be signed out.</p> : null}
          </ConfirmAction>
        </div>
      </Td>
    </tr>
  );
}

function EditUserDialog({ user, isSelf, cfMode }: { user: UserDTO; isSelf: boolean; cfMode: boolean }) {
  return (
    <FormDialog
      action={updateUserAction}
      fields={{ id: user.id }}
      title={`Edit ${user.username}`}
      trigger="Edit"
      triggerLabel={`Edit ${user.username}`}
      triggerVariant="ghost"
      small
      submitLabel="Save changes"
    >
      {(state) => (
        <>
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            defaultValue={user.email ?? ""}
            state={state}
            hint={
              cfMode
                ? "Must match the email they sign in to Cloudflare Access with. Leave empty to remove it (they can then no longer sign in)."
                : "Optional; they can sign in with it instead of the username. Leave empty to remove it."
            }
          />
          <Select label="Role" name="role" state={state} defaultValue={user.role}>
            <option value="user">User</option>
            <option value="admin">Admin</option>
          </Select>
          {isSelf && user.role === "admin" ? <p className="text-xs text-zinc-500">Making yourself a user ends your access to admin pages.</p> : null}
        </>
      )}
    </FormDialog>
  );
}

function PasswordDialog({ user, isSelf, cfMode }: { user: UserDTO; isSelf: boolean; cfMode: boolean }) {
  const verb = user.hasPassword ? "Reset" : "Set";
  return (
    <FormDialog
      action={resetPasswordAction}
      fields={{ id: user.id }}
      title={`${verb} password for ${user.username}`}
      trigger="Password"
      triggerLabel={`${verb} password for ${user.username}`}
      triggerVariant="ghost"
      small
      submitLabel={`${verb} password`}
      description={
        cfMode
          ? "Gatehouse is behind Cloudflare Access, so passwords are not used to sign in; this one only matters if built-in sign-in is turned back on."
          : isSelf
            ? "All of your sessions end, including this one: you will sign in again with the new password."
            : `All of ${user.username}'s sessions end; they sign in again with the new password.`
      }
    >
      {(state) => <Field label="New password" name="password" type="password" autoComplete="new-password" required state={state} hint="At least 8 characters." />}
    </FormDialog>
  );
}
