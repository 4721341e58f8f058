import { logoutAction } from "@/app/(auth)/actions";
import { Toaster } from "@/app/_components/toaster";
import { requirePageUser } from "@/lib/auth/dal";
import { getAuthConfig } from "@/lib/auth/sign-in";
import { AppNav } from "./nav-links";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const principal = await requirePageUser();
  const config = getAuthConfig();
  const isAdmin = principal.role === "admin";
  const signOut = <SignOut logoutUrl={config.cf_access_enabled ? config.logout_url : null} />;
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="z-10 flex shrink-0 flex-col border-b border-zinc-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:border-r md:border-b-0">
        <AppNav
          isAdmin={isAdmin}
          footer={
            <>
              <div className="flex items-center gap-3">
                <div className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-zinc-900 text-sm font-semibold uppercase text-white" aria-hidden>
                  {principal.username.slice(0, 1)}
                </div>
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-zinc-900" data-testid="current-user">
                    {principal.username}
                  </p>
                  <p className="truncate text-xs text-zinc-600">{principal.email ?? (isAdmin ? "Admin" : "User")}</p>
                </div>
              </div>
              <p className="mt-3 text-xs text-zinc-600">
                {principal.method === "session" ? "Signed in to Gatehouse" : principal.method === "cloudflare-service-token" ? "Cloudflare service token" : "Signed in via Cloudflare Access"}
              </p>
              <div className="mt-2">{signOut}</div>
            </>
          }
        />
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8 md:py-8">
        <div className="mx-auto max-w-6xl">
          <Toaster>{children}</Toaster>
        </div>
      </main>
    </div>
  );
}

/**
 * Cloudflare Access: a link to Cloudflare's logout. Built-in: a form that ends the session
 * (a POST; a GET link could be triggered from another site).
 */
function SignOut({ logoutUrl }: { logoutUrl: string | null }) {
  const look = "block w-full rounded-lg px-2 py-1.5 text-left text-sm text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900";
  if (logoutUrl) {
    return (
      <a href={logoutUrl} className={look}>
        Sign out
      </a>
    );
  }
  return (
    <form action={logoutAction}>
      <button type="submit" className={look}>
        Sign out
      </button>
    </form>
  );
}
