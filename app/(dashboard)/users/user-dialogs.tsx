"use client";

import { Field, Select } from "@/app/_components/form";
import { FormDialog } from "@/app/_components/form-dialog";
import { USER_LIMITS } from "@/lib/users/limits";
import type { UserDTO } from "@/lib/users/queries";
import { resetPasswordAction, updateUserAction } from "./actions";

/** Email and role; the last admin's role is shown but fixed (demoting them is refused). */
export function EditUserDialog({ user, isSelf, isLastAdmin, cfMode }: { user: UserDTO; isSelf: boolean; isLastAdmin: boolean; cfMode: boolean }) {
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
            maxLength={USER_LIMITS.email}
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
          <Select
            label="Role"
            name="role"
            state={state}
            defaultValue={user.role}
            // A disabled select is not submitted: the role is left as it is.
            disabled={isLastAdmin}
            hint={isLastAdmin ? `${isSelf ? "You are" : `${user.username} is`} the last admin. Make another user an admin first.` : undefined}
          >
            <option value="user">User</option>
            <option value="admin">Admin</option>
          </Select>
          {isSelf && user.role === "admin" && !isLastAdmin ? <p className="text-xs text-zinc-600">Making yourself a user ends your access to admin pages.</p> : null}
        </>
      )}
    </FormDialog>
  );
}

/** An admin sets someone else's password (their own changes on the Account page). */
export function PasswordDialog({ user, cfMode }: { user: UserDTO; cfMode: boolean }) {
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
          : `All of ${user.username}'s sessions end; they sign in again with the new password. Their passkeys keep working.`
      }
    >
      {(state) => (
        <Field label="New password" name="password" maxLength={USER_LIMITS.password} type="password" autoComplete="new-password" required state={state} hint="At least 8 characters." />
      )}
    </FormDialog>
  );
}
