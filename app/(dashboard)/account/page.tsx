import Link from "next/link";
import { Badge, Card, PageHeader, RelativeTime } from "@/app/_components/ui";
import { requirePageUser } from "@/lib/auth/dal";
import { getAuthConfig } from "@/lib/auth/sign-in";
import { getUserById } from "@/lib/users/queries";

export const metadata = { title: "Account" };

const METHOD = {
  session: "Password (built-in sign-in)",
  "cloudflare-access": "Cloudflare Access",
  "cloudflare-service-token": "Cloudflare Access service token",
} as const;

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="grid gap-1 px-5 py-3.5 sm:grid-cols-[9rem_1fr] sm:gap-4">
      <dt className="text-sm text-zinc-600">{label}</dt>
      <dd className="text-sm text-zinc-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export default async function AccountPage() {
  const principal = await requirePageUser();
  const config = getAuthConfig();
  const user = await getUserById({ id: principal.userId });
  const isAdmin = principal.role === "admin";

  return (
    <>
      <PageHeader title="Account" description="Who you are signed in as, and how." />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Card title="Profile">
          <dl className="divide-y divide-zinc-100">
            <Row label="Username" testId="account-username">
              {user.username}
            </Row>
            <Row label="Email" testId="account-email">
              {user.email ?? <span className="text-zinc-600">Not set</span>}
            </Row>
            <Row label="Role" testId="account-role">
              {isAdmin ? <Badge tone="brand">Admin</Badge> : <Badge>User</Badge>}
            </Row>
            <Row label="Member since">
              <RelativeTime iso={user.createdAt} />
            </Row>
          </dl>
        </Card>
        <Card title="Sign-in">
          <dl className="divide-y divide-zinc-100">
            <Row label="Signed in with" testId="account-method">
              {METHOD[principal.method]}
            </Row>
            <Row label="Last sign-in">
              <RelativeTime iso={user.lastLoginAt} />
            </Row>
            {config.cf_access_enabled ? (
              <Row label="Cloudflare team">
                <span className="font-mono text-xs">{config.team_domain}</span>
              </Row>
            ) : (
              <Row label="Password">{user.hasPassword ? "Set" : <span className="text-zinc-600">Not set</span>}</Row>
            )}
          </dl>
          <p className="border-t border-zinc-100 px-5 py-4 text-sm text-zinc-600">
            {config.cf_access_enabled ? (
              principal.method === "cloudflare-service-token" ? (
                "This request carries a Cloudflare service token that an admin linked to your user."
              ) : (
                "Your identity comes from Cloudflare Access: Gatehouse matches your Cloudflare email to your user. Signing out here signs you out of Cloudflare Access."
              )
            ) : isAdmin ? (
              <>
                Passwords are set on the{" "}
                <Link href="/users" className="font-medium text-zinc-700 underline underline-offset-2">
                  Users
                </Link>{" "}
                page. Setting one signs that person out everywhere.
              </>
            ) : (
              "To change your password, ask an admin."
            )}
          </p>
        </Card>
      </div>
    </>
  );
}
