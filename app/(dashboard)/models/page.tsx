import { Badge, Card, Code, EmptyState, PageHeader, Table, Td, Th } from "@/app/_components/ui";
import { requirePageUser } from "@/lib/auth/dal";
import { formatUsd } from "@/lib/format/money";
import { listCatalogue, type CatalogueEntry } from "@/lib/providers/catalogue";

export const metadata = { title: "Models" };

function price(usd: number | undefined): string {
  return usd === undefined ? "—" : formatUsd(usd);
}

function tokens(n: number | undefined): string {
  return n === undefined ? "—" : n.toLocaleString("en");
}

/** The right-aligned number columns after id and name: limits in tokens, prices per million. */
const NUMBER_COLUMNS: { label: string; value: (m: CatalogueEntry["models"][number]) => string }[] = [
  { label: "Context", value: (m) => tokens(m.contextWindow) },
  { label: "Max output", value: (m) => tokens(m.maxTokens) },
  { label: "Input", value: (m) => price(m.inputCostPerMTok) },
  { label: "Output", value: (m) => price(m.outputCostPerMTok) },
  { label: "Cached input", value: (m) => price(m.cachedInputCostPerMTok) },
];

/** The model catalogue: what the signed-in user's keys may call, with prices per million tokens. */
export default async function ModelsPage() {
  const principal = await requirePageUser();
  const catalogue = await listCatalogue({ actor: { userId: principal.userId, role: principal.role } });
  return (
    <>
      <PageHeader
        title="Models"
        description={
          principal.role === "admin"
            ? "Every provider's models, as clients name them. Prices in USD per million tokens."
            : "The models your virtual keys may call, as clients name them. Prices in USD per million tokens."
        }
      />
      {catalogue.length === 0 ? (
        <Card>
          <EmptyState title="No models to show">
            {principal.role === "admin" ? "Add a provider and list its models." : "Create a virtual key first; this page then lists what it may call."}
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-6">
          {catalogue.map((p) => (
            <Card
              key={p.key}
              title={p.name}
              description={
                <>
                  <Badge tone="blue">{p.apiTypeLabel}</Badge> Call <Code>{p.gatewayPath}</Code> with a virtual key.
                </>
              }
            >
              {p.models.length === 0 ? (
                <p className="px-5 py-4 text-sm text-zinc-600">No models listed; any model the upstream serves passes through, unpriced.</p>
              ) : (
                <Table label={`Models of ${p.name}`}>
                  <thead>
                    <tr>
                      <Th>Model id</Th>
                      <Th>Name</Th>
                      {NUMBER_COLUMNS.map((c) => (
                        <Th key={c.label} className="text-right">
                          {c.label}
                        </Th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-zinc-100" data-testid={`catalogue-${p.key}`}>
                    {p.models.map((m) => (
                      <tr key={m.id}>
                        <Td>
                          <span className="font-mono text-xs break-all text-zinc-900">{m.id}</span>
                        </Td>
                        <Td label="Name">{m.displayName ?? "—"}</Td>
                        {NUMBER_COLUMNS.map((c) => (
                          <Td key={c.label} label={c.label} className="tabular-nums md:text-right">
                            {c.value(m)}
                          </Td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )}
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
