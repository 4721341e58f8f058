import { PageHeader } from "@/app/_components/ui";
import { requirePageAdmin } from "@/lib/auth/dal";
import { getConfig } from "@/lib/config";
import { BackLink } from "../back-link";
import { ProviderForm } from "../provider-form";

export const metadata = { title: "Add provider" };

export default async function NewProviderPage() {
  await requirePageAdmin();
  return (
    <>
      <BackLink href="/providers">Providers</BackLink>
      <PageHeader title="Add provider" description="Connect an upstream LLM API. Its credentials stay on the server; users call it through the gateway with virtual keys." />
      <ProviderForm cfOrigin={getConfig().cfAiGatewayOrigin} />
    </>
  );
}
