import { Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { requirePageAdmin } from "@/lib/auth/dal";
import { getAuthConfig } from "@/lib/auth/sign-in";
import { getLimitsOf, getSpendNow } from "@/lib/limits/queries";
import { listUsers } from "@/lib/users/queries";
import { CreateUserDialog } from "./create-user-dialog";
import { SERVICE_TOKEN_EXPLAINER } from "./service-token-copy";
import { UsersTable } from "./users-table";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const principal = await requirePageAdmin();
  const cfMode = getAuthConfig().cf_access_enabled;
  const users = await listUsers();
  const ids = users.map((u) => u.id);
  const limits = await getLimitsOf({ scope: "user", ids });
  const spend = await getSpendNow({ scope: "user", ids, periods: new Map([...limits].map(([id, l]) => [id, l.budgetPeriod ?? "month"] as const)) });
  return (
    <>
      <PageHeader
        title="Users"
        description={
          cfMode
            ? "People who may use Gatehouse. They sign in through Cloudflare Access; their Cloudflare email must match the email here."
            : "People who may sign in to Gatehouse, and what they may do."
        }
        actions={<CreateUserDialog cfMode={cfMode} />}
      />
      <Card>
        {users.length === 0 ? (
          <EmptyState title="No users yet" action={<CreateUserDialog cfMode={cfMode} />}>
            Add the people who should use the gateway.
          </EmptyState>
        ) : (
          <UsersTable users={users} currentUserId={principal.userId} cfMode={cfMode} limits={Object.fromEntries(limits)} spend={Object.fromEntries(spend)} />
        )}
      </Card>
      {cfMode ? <p className="mt-3 text-xs text-zinc-600">{SERVICE_TOKEN_EXPLAINER} Link one in the Service tokens column.</p> : null}
    </>
  );
}
