"use client";

import { FormDialog } from "@/app/_components/form-dialog";
import { LimitFields } from "@/app/_components/limit-fields";
import type { Limits } from "@/lib/limits/types";
import type { UserDTO } from "@/lib/users/queries";
import { updateUserLimitsAction } from "./actions";

/** An admin sets a user's budget and rate limits, which hold across all of the user's keys. */
export function UserLimitsDialog({ user, limits }: { user: UserDTO; limits: Limits }) {
  return (
    <FormDialog
      action={updateUserLimitsAction}
      fields={{ id: user.id }}
      title={`Limits for ${user.username}`}
      description="These hold for all of their virtual keys together, on top of each key's own limits."
      trigger="Limits"
      triggerLabel={`Limits for ${user.username}`}
      triggerVariant="ghost"
      small
      submitLabel="Save limits"
    >
      {(state) => <LimitFields state={state} limits={limits} who="user" />}
    </FormDialog>
  );
}
