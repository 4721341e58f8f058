"use server";

import { adminAction } from "@/lib/auth/action";
import { createProvider, deleteProvider, updateProvider } from "@/lib/providers/queries";

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
  async (_principal, { id = "", removeApiKey, removeGatewayToken, ...fields }) => {
    const input: Record<string, string | null> = { ...fields };
    if (removeApiKey === "on") input.apiKey = null;
    if (removeGatewayToken === "on") input.gatewayToken = null;
    const provider = await updateProvider({ id, input });
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
