"use client";

import { Plus } from "lucide-react";
import { useState } from "react";
import { Field, Select } from "@/app/_components/form";
import { FormDialog } from "@/app/_components/form-dialog";
import type { ActionState } from "@/lib/auth/action-state";
import { USER_LIMITS } from "@/lib/users/limits";
import { createUserAction } from "./actions";

/**
 * A username suggested by an email: its local part (letters, digits and . _ + - kept),
 * or the whole email when the local part is too short to be a username.
 */
export function usernameFromEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const local = trimmed.split("@")[0]?.replace(/[^a-z0-9._+-]/g, "") ?? "";
  if (local.length >= 3) return local;
  return trimmed.includes("@") && trimmed.split("@")[1] ? trimmed.replace(/[^a-z0-9._@+-]/g, "") : local;
}

export function CreateUserDialog({ cfMode }: { cfMode: boolean }) {
  return (
    <FormDialog
      action={createUserAction}
      title="Add user"
      trigger={
        <>
          <Plus className="h-4 w-4" aria-hidden />
          Add user
        </>
      }
      triggerVariant="primary"
      submitLabel="Add user"
      pendingText="Adding…"
      description={
        cfMode
          ? "People sign in through Cloudflare Access; Gatehouse lets them in when their Cloudflare email matches a user here."
          : "They sign in with the username (or email) and the password you set here."
      }
    >
      {(state) => (cfMode ? <CloudflareUserFields state={state} /> : <BuiltInUserFields state={state} />)}
    </FormDialog>
  );
}

function RoleSelect({ state }: { state: ActionState }) {
  return (
    <Select label="Role" name="role" state={state} defaultValue="user">
      <option value="user">User: their own keys and usage</option>
      <option value="admin">Admin: manages users, providers and all keys</option>
    </Select>
  );
}

/** Cloudflare Access mode: the email is the identity, so it comes first and suggests the username. */
function CloudflareUserFields({ state }: { state: ActionState }) {
  const [username, setUsername] = useState("");
  const [usernameEdited, setUsernameEdited] = useState(false);
  return (
    <>
      <Field
        label="Email"
        name="email"
        maxLength={USER_LIMITS.email}
        type="email"
        autoComplete="off"
        required
        data-autofocus
        state={state}
        placeholder="ada@example.com"
        hint="The email they sign in to Cloudflare Access with."
        onChange={(e) => {
          if (!usernameEdited) setUsername(usernameFromEmail(e.target.value));
        }}
      />
      <Field
        label="Username"
        name="username"
        maxLength={USER_LIMITS.username}
        autoComplete="off"
        required
        state={state}
        value={username}
        onChange={(e) => {
          setUsername(e.target.value);
          setUsernameEdited(true);
        }}
        hint={usernameEdited ? "How Gatehouse shows them." : "Filled in from the email; change it if you like."}
      />
      <RoleSelect state={state} />
      <Field
        label="Password (optional)"
        name="password"
        maxLength={USER_LIMITS.password}
        type="password"
        autoComplete="new-password"
        state={state}
        hint="Not needed behind Cloudflare Access. Only used if Gatehouse is switched back to built-in sign-in."
      />
    </>
  );
}

function BuiltInUserFields({ state }: { state: ActionState }) {
  return (
    <>
      <Field
        label="Username"
        name="username"
        maxLength={USER_LIMITS.username}
        autoComplete="off"
        required
        data-autofocus
        state={state}
        hint="Letters, digits and . _ @ + - (at least 3)."
      />
      <Field
        label="Email (optional)"
        name="email"
        maxLength={USER_LIMITS.email}
        type="email"
        autoComplete="off"
        state={state}
        hint="They can sign in with it too; it is required if you later turn on Cloudflare Access."
      />
      <Field
        label="Password"
        name="password"
        maxLength={USER_LIMITS.password}
        type="password"
        autoComplete="new-password"
        required
        state={state}
        hint="At least 8 characters. Share it with them securely."
      />
      <RoleSelect state={state} />
    </>
  );
}
