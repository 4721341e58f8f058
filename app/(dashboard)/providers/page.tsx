import Link from "next/link";
import { ConfirmAction } from "@/app/_components/dialog";
import { LinkProgress } from "@/app/_components/link-progress";
import { ActionsCell } from "@/app/_components/table-actions";
import { Badge, ButtonLink, Card, Code, EmptyState, PageHeader, Table, Td, Th, buttonStyles } from "@/app/_components/ui";
import { requirePageAdmin } from "@/lib/auth/dal";
import { listProviders } from "@/lib/providers/queries";
import { deleteProviderAction } from "./actions";
import { RowTestButton } from "./row-test-button";

export const metadata = { title: "Providers" };

export default async function ProvidersPage() {
  await requirePageAdmin();
  const providers = await listProviders();
  const addButton = <ButtonLink href="/providers/new">Add provider</ButtonLink>;
  return (
    <>
      <PageHeader
        title="Providers"
        description="Upstream LLM APIs behind the gateway. Users call /gateway/<key>/v1 with a virtual key; the real credentials never leave the server."
        actions={providers.length > 0 ? addButton : undefined}
      />
      <Card>
        {providers.length === 0 ? (
          <EmptyState title="No providers yet" action={addButton}>
            Add OpenAI, Anthropic, Gemini, Azure OpenAI, Ollama, any OpenAI-compatible API, or a Cloudflare AI Gateway. Users can then call it with their virtual keys.
          </EmptyState>
        ) : (
          <Table label="Providers">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Key</Th>
                <Th>API type</Th>
                <Th>Base URL</Th>
                <Th className="text-right">Models</Th>
                <Th>Credentials</Th>
                <Th className="text-right">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100" data-testid="providers-table">
              {providers.map((p) => {
                const subject = `${p.name} (${p.key})`;
                return (
                  <tr key={p.id} data-testid={`provider-row-${p.key}`} className="hover:bg-zinc-50/60">
                    <Td>
                      <div className="min-w-0">
                        <Link href={`/providers/${p.id}`} className="font-medium break-all text-zinc-900 hover:underline">
                          {p.name}
                          <LinkProgress />
                        </Link>
                        <p className="font-mono text-xs break-all text-zinc-600">{p.gatewayPath}</p>
                      </div>
                    </Td>
                    <Td label="Key">
                      <Code>{p.key}</Code>
                    </Td>
                    <Td label="API type">
                      <Badge tone="blue">{p.apiTypeLabel}</Badge>
                    </Td>
                    <Td label="Base URL">
                      <span className="block max-w-52 truncate font-mono text-xs text-zinc-600" title={p.baseUrl}>
                        {p.baseUrl}
                      </span>
                    </Td>
                    <Td label="Models" className="tabular-nums md:text-right">
                      <span title={p.models.map((m) => m.id).join("\n") || undefined}>{p.models.length}</span>
                    </Td>
                    <Td label="Credentials">
                      {Object.keys(p.secrets).length > 0 ? (
                        <span className="flex flex-wrap gap-1">
                          {Object.values(p.secrets).map((s, i) => (
                            <Badge key={i} tone="green">
                              Stored{s.last4 ? ` …${s.last4}` : ""}
                            </Badge>
                          ))}
                        </span>
                      ) : (
                        <Badge>None</Badge>
                      )}
                    </Td>
                    <ActionsCell>
                      <RowTestButton id={p.id} subject={subject} />
                      <Link href={`/providers/${p.id}`} className={`${buttonStyles.base} ${buttonStyles.ghost} ${buttonStyles.small}`}>
                        Edit<span className="sr-only"> {subject}</span>
                        <LinkProgress />
                      </Link>
                      {/* Names may repeat; the key is unique, so it names the provider unambiguously. */}
                      <ConfirmAction action={deleteProviderAction} fields={{ id: p.id }} label="Delete" subject={subject} title={`Delete ${subject}?`} confirmLabel="Delete provider">
                        Requests to <span className="font-mono text-zinc-800">{p.gatewayPath}</span> will fail at once and its stored credentials are erased. Request
                        history stays. This cannot be undone.
                      </ConfirmAction>
                    </ActionsCell>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
