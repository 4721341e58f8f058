import { notFound } from "next/navigation";
import { Code, PageHeader } from "@/app/_components/ui";
import { requirePageAdmin } from "@/lib/auth/dal";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { getProviderById, type ProviderDTO } from "@/lib/providers/queries";
import { BackLink } from "../back-link";
import { ProviderForm } from "../provider-form";

export const metadata = { title: "Edit provider" };

export default async function EditProviderPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageAdmin();
  const { id } = await params;
  let provider: ProviderDTO;
  try {
    provider = await getProviderById({ id });
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
  return (
    <>
      <BackLink href="/providers">Providers</BackLink>
      <PageHeader
        title={provider.name}
        description={
          <>
            Clients call <Code>{provider.gatewayPath}</Code> with a virtual key.
          </>
        }
      />
      <ProviderForm provider={provider} cfOrigin={getConfig().cfAiGatewayOrigin} />
    </>
  );
}
