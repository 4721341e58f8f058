"use server";

import { adminAction } from "@/lib/auth/action";
import { createProvider, deleteProvider, testProvider, updateProvider } from "@/lib/providers/queries";

const revalidate = ["/providers", "/"];

export const createProviderAction = adminAction(
  async (_principal, input) => {
    const provider = await createProvider(input);
    return { message: `Added provider ${provider.name}`, data: { id: provider.id } };
  },
  { revalidate },
);

/**
 * Blank secret fields keep the stored secret; the "remove stored key/token" checkboxes
 * become `null`, which the domain reads as "delete it".
 */
export const updateProviderAction = adminAction(
  async (_principal, { id = "", ...fields }) => {
    const provider = await updateProvider({ id, input: formInput(fields) });
    return { message: `Saved provider ${provider.name}`, data: { id: provider.id } };
  },
  { revalidate },
);

export const deleteProviderAction = adminAction(
  async (_principal, { id = "" }) => {
    await deleteProvider({ id });
    return { message: "Provider deleted" };
  },
  { revalidate },
);

/**
 * The form's fields as the domain takes them: `remove:<secret>` checkboxes become
 * `null` (delete the stored secret); `_`-prefixed inputs are the form's own.
 */
function formInput(fields: Record<string, string>): Record<string, string | null> {
  const input: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith("remove:")) {
      if (value === "on") input[name.slice("remove:".length)] = null;
    } else if (!name.startsWith("_")) {
      input[name] = value;
    }
  }
  return input;
}

/**
 * Test and Fetch models from the form (`_intent` = "test" or "list"), with what is typed,
 * saved or not. The result goes back in `data`: ok, status, latencyMs, message, and the
 * models as JSON. Upstream trouble is a result (`data.ok` "false"), not a form error.
 */
export const testProviderAction = adminAction(async (_principal, { id, _intent, ...fields }) => {
  const result = await testProvider({ id: id || undefined, input: formInput(fields), kind: _intent === "list" ? "list" : "probe" });
  return {
    data: {
      ok: String(result.ok),
      status: result.status === null ? "" : String(result.status),
      latencyMs: String(result.latencyMs),
      message: result.message,
      models: JSON.stringify(result.models),
    },
  };
});
