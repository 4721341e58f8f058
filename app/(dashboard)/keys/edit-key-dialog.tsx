"use client";

import { Field } from "@/app/_components/form";
import { FormDialog } from "@/app/_components/form-dialog";
import { LimitFields } from "@/app/_components/limit-fields";
import { KEY_NAME_MAX_LENGTH } from "@/lib/keys/limits";
import type { VirtualKeyDTO } from "@/lib/keys/queries";
import { updateKeyAction } from "./actions";
import { ProviderPicker } from "./provider-picker";

/** Edits a key's name, providers, expiry and budget/rate limits (the secret stays the same). */
export function EditKeyDialog({ k, providers }: { k: VirtualKeyDTO; providers: { key: string; name: string }[] }) {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return (
    <FormDialog
      action={updateKeyAction}
      fields={{ id: k.id }}
      title={`Edit ${k.name}`}
      trigger="Edit"
      triggerLabel={`Edit ${k.name}`}
      triggerVariant="ghost"
      small
      wide
      submitLabel="Save changes"
    >
      {(state) => (
        <>
          <Field label="Name" name="name" required maxLength={KEY_NAME_MAX_LENGTH} autoComplete="off" defaultValue={k.name} state={state} />
          <ProviderPicker providers={providers} initial={k.allowedProviders} state={state} />
          <Field
            label="Expires on"
            name="expiresAt"
            type="date"
            min={tomorrow}
            defaultValue={k.expiresAt ? k.expiresAt.slice(0, 10) : ""}
            state={state}
            hint="Empty: never. Works until the end of that day (UTC)."
          />
          <LimitFields state={state} limits={k.limits} who="key" />
        </>
      )}
    </FormDialog>
  );
}
