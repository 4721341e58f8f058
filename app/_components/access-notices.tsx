import { getResolution } from "@/lib/auth/dal";
import { explainAccessRejection } from "@/lib/auth/access-rejections";
import { getAuthConfig } from "@/lib/auth/sign-in";
import { Logo } from "./ui";

/** Full-page notices for people Gatehouse cannot let in (401, 403, 503). */

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-zinc-100 px-4 py-12">
      <Logo className="mb-8 text-xl" />
      <div className="w-full max-w-lg rounded-2xl border border-zinc-200 bg-white p-8 text-center shadow-sm">{children}</div>
    </main>
  );
}

/** The 401 page in Cloudflare Access mode: why the token was refused, and what to do. */
export async function CloudflareRequiredNotice() {
  const config = getAuthConfig();
  const resolution = await getResolution();
  const why = explainAccessRejection(resolution.ok ? undefined : resolution.reason);
  return (
    <Shell>
      <p className="text-xs font-semibold uppercase tracking-wide text-brand-800">401 · Not signed in</p>
      <h1 className="mt-2 text-xl font-semibold">{why.title}</h1>
      <p className="mt-3 text-sm font-medium text-zinc-900" data-testid="access-rejection-reason">
        {why.reason}
      </p>
      <p className="mt-2 text-sm text-zinc-600" data-testid="access-rejection-fix">
        {why.fix}
      </p>
      {config.team_domain ? (
        <p className="mt-3 text-xs text-zinc-600">
          Your team&apos;s Cloudflare Access: <span className="font-mono break-all text-zinc-800">{config.team_domain}</span>. There is no password form here.
        </p>
      ) : null}
      {why.signInAgain && config.cf_access_enabled ? (
        <a href={config.logout_url} className="mt-6 inline-block text-sm font-medium text-zinc-700 underline underline-offset-4 hover:text-zinc-900">
          Sign out of Cloudflare Access
        </a>
      ) : null}
    </Shell>
  );
}

export async function AccessDeniedNotice() {
  const resolution = await getResolution();
  const identity = !resolution.ok ? resolution.identity : undefined;
  const isServiceToken = !resolution.ok && resolution.code === "unlinked_service_token";
  const config = getAuthConfig();
  return (
    <Shell>
      <p className="text-xs font-semibold uppercase tracking-wide text-red-600">403 · No access</p>
      <h1 className="mt-2 text-xl font-semibold">You are signed in, but not a Gatehouse user</h1>
      {identity ? (
        <p className="mt-3 text-sm text-zinc-600">
          Cloudflare Access verified you as{" "}
          <strong data-testid="denied-identity" className="font-mono text-zinc-900">
            {identity}
          </strong>
          .
        </p>
      ) : null}
      <p className="mt-3 text-sm text-zinc-600">
        {isServiceToken
          ? "This service token is not linked to a user. An admin can link its Client ID on the Users page."
          : "Ask a Gatehouse admin to add this email to a user on the Users page, then reload."}
      </p>
      {config.cf_access_enabled ? (
        <a href={config.logout_url} className="mt-6 inline-block text-sm font-medium text-zinc-700 underline underline-offset-4 hover:text-zinc-900">
          Sign in with another account
        </a>
      ) : null}
    </Shell>
  );
}

export function KeysUnavailableNotice() {
  return (
    <Shell>
      <p className="text-xs font-semibold uppercase tracking-wide text-amber-800">503 · Try again shortly</p>
      <h1 className="mt-2 text-xl font-semibold">Cloudflare Access keys are unavailable</h1>
      <p className="mt-3 text-sm text-zinc-600">Gatehouse could not load your team&apos;s signing keys, so it cannot check who you are. An operator can find the reason in the server log.</p>
    </Shell>
  );
}
