import Link from "next/link";
import { ConfirmAction } from "@/app/_components/dialog";
import { ActionsCell } from "@/app/_components/table-actions";
import { Badge, Card, Code, PageHeader, RelativeTime, Table, Td, Th } from "@/app/_components/ui";
import { requirePageUser } from "@/lib/auth/dal";
import type { Principal } from "@/lib/auth/principal";
import { getAuthConfig } from "@/lib/auth/sign-in";
import { listPasskeys, passkeyAvailability, type PasskeyDTO } from "@/lib/credentials/passkeys";
import { listSessions, type SessionDTO } from "@/lib/credentials/sessions";
import { getUserById } from "@/lib/users/queries";
import { deletePasskeyAction, endSessionAction } from "./actions";
import { AddPasskeyForm, ChangePasswordForm, RenamePasskeyDialog } from "./components";

export const metadata = { title: "Account" };

const METHOD = {
  session: "Gatehouse sign-in (password or passkey)",
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
  const builtIn = !config.cf_access_enabled;

  return (
    <>
      <PageHeader title="Account" description={builtIn ? "Who you are signed in as, and how you sign in." : "Who you are signed in as, and how."} />
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
            ) : null}
          </dl>
          {config.cf_access_enabled ? (
            <p className="border-t border-zinc-100 px-5 py-4 text-sm text-zinc-600">
              {principal.method === "cloudflare-service-token"
                ? "This request carries a Cloudflare service token that an admin linked to your user."
                : "Your identity comes from Cloudflare Access: Gatehouse matches your Cloudflare email to your user. Signing out here signs you out of Cloudflare Access. Passwords, passkeys and Gatehouse sessions are off in this mode."}
            </p>
          ) : null}
        </Card>
      </div>
      {builtIn ? <BuiltInSignIn principal={principal} hasPassword={user.hasPassword} isAdmin={isAdmin} /> : null}
    </>
  );
}

/** Password, passkeys and sessions: built-in mode only. */
async function BuiltInSignIn({ principal, hasPassword, isAdmin }: { principal: Principal; hasPassword: boolean; isAdmin: boolean }) {
  const [passkeys, sessions] = await Promise.all([listPasskeys({ userId: principal.userId }), listSessions({ userId: principal.userId, currentSessionId: principal.sessionId })]);
  const availability = passkeyAvailability();
  return (
    <div className="mt-6 grid items-start gap-6 lg:grid-cols-2">
      <div id="password">
        <Card title="Password" description="Changing it needs your current password.">
          {hasPassword ? (
            <ChangePasswordForm />
          ) : (
            <p className="px-5 py-4 text-sm text-zinc-600">
              You have no password.{" "}
              {isAdmin ? (
                <>
                  Another admin can set one on the{" "}
                  <Link href="/users" className="font-medium text-zinc-700 underline underline-offset-2">
                    Users
                  </Link>{" "}
                  page.
                </>
              ) : (
                "An admin can set one for you."
              )}
            </p>
          )}
        </Card>
      </div>
      <Card title="Passkeys" description="Sign in with your device's screen lock or a security key instead of a password; no username needed.">
        <PasskeyList passkeys={passkeys} />
        {availability.enabled ? (
          <AddPasskeyForm />
        ) : (
          <p className="border-t border-zinc-100 px-5 py-4 text-sm text-amber-800" data-testid="passkeys-unavailable">
            {availability.reason}
          </p>
        )}
      </Card>
      <div className="lg:col-span-2">
        <Card title="Sessions" description="Browsers and clients signed in as you. Ending one signs it out at its next request.">
          <SessionsTable sessions={sessions} />
        </Card>
      </div>
    </div>
  );
}

function PasskeyList({ passkeys }: { passkeys: PasskeyDTO[] }) {
  if (passkeys.length === 0) return <p className="px-5 py-4 text-sm text-zinc-600">No passkeys yet.</p>;
  return (
    <ul className="divide-y divide-zinc-100" data-testid="passkey-list">
      {passkeys.map((p) => (
        <li key={p.id} className="flex items-center justify-between gap-3 px-5 py-3 [&_dialog]:text-left" data-testid={`passkey-row-${p.name}`}>
          <div className="min-w-0">
            <p className="truncate text-sm font-medium text-zinc-900">
              {p.name} {p.synced ? <Badge tone="blue">Synced</Badge> : null}
            </p>
            <p className="mt-0.5 text-xs text-zinc-600">
              Added <RelativeTime iso={p.createdAt} /> · last used <RelativeTime iso={p.lastUsedAt} empty="never" />
            </p>
          </div>
          <div className="flex shrink-0 items-center gap-1">
            <RenamePasskeyDialog passkey={p} />
            <ConfirmAction action={deletePasskeyAction} fields={{ id: p.id }} label="Delete" subject={`passkey ${p.name}`} title={`Delete passkey ${p.name}?`} confirmLabel="Delete passkey">
              It will no longer sign you in. Your device may still offer it; remove it there too. Sessions it started stay until you end them below.
            </ConfirmAction>
          </div>
        </li>
      ))}
    </ul>
  );
}

function SessionsTable({ sessions }: { sessions: SessionDTO[] }) {
  return (
    <Table label="Your sessions">
      <thead>
        <tr>
          <Th>Browser or client</Th>
          <Th>Signed in</Th>
          <Th>Last seen</Th>
          <Th className="text-right">
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100" data-testid="sessions-table">
        {sessions.map((s) => (
          <tr key={s.id} data-testid="session-row" data-current={s.current ? "true" : undefined}>
            <Td className="max-w-md md:whitespace-normal">
              <span title={s.userAgent ?? undefined}>{describeUserAgent(s.userAgent)}</span>{" "}
              {s.current ? <Badge tone="green">This browser</Badge> : null}
              {s.userAgent ? <p className="mt-0.5 break-all text-xs text-zinc-600 md:truncate">{s.userAgent}</p> : null}
            </Td>
            <Td label="Signed in">
              <RelativeTime iso={s.createdAt} />
            </Td>
            <Td label="Last seen">
              <RelativeTime iso={s.lastSeenAt} />
            </Td>
            <ActionsCell>
              {s.current ? (
                <span className="text-xs text-zinc-600">Use Sign out</span>
              ) : (
                <ConfirmAction action={endSessionAction} fields={{ id: s.id }} label="End" subject={`${describeUserAgent(s.userAgent)} session`} title="End this session?" confirmLabel="End session">
                  <Code>{describeUserAgent(s.userAgent)}</Code> is signed out at its next request.
                </ConfirmAction>
              )}
            </ActionsCell>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** "Chrome on Linux" from a User-Agent header; the raw header is shown beside it. */
function describeUserAgent(ua: string | null): string {
  if (!ua) return "Unknown client";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /(Headless)?Chrome\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua) && /Version\//.test(ua)
          ? "Safari"
          : (ua.split(/[\s/]/)[0] ?? "Client");
  const os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : null;
  return os ? `${browser} on ${os}` : browser;
}
