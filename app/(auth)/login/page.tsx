import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getResolution } from "@/lib/auth/dal";
import { getAuthConfig, getSetupRequired } from "@/lib/auth/sign-in";
import { safeRedirectPath } from "@/lib/http/request-policy";
import { LoginForm } from "./login-form";
import { PasskeySignIn } from "./passkey-sign-in";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const config = getAuthConfig();
  if (config.cf_access_enabled) {
    return (
      <div className="space-y-3 text-center">
        <h1 className="text-lg font-semibold">Sign in through Cloudflare Access</h1>
        <p className="text-sm text-zinc-600">
          This Gatehouse is protected by Cloudflare Access. Open it through your team&apos;s Cloudflare Access application and sign in there; there is no
          password here.
        </p>
      </div>
    );
  }
  if (await getSetupRequired()) redirect("/setup");
  // `?next=a&next=b` arrives as an array: take none of it.
  const next = (await searchParams).next;
  const nextPath = typeof next === "string" ? next : undefined;
  // Already signed in: go where they were going.
  if ((await getResolution()).ok) redirect(safeRedirectPath(nextPath));
  return (
    <>
      <h1 className="text-lg font-semibold">Sign in</h1>
      <p className="mb-6 mt-1 text-sm text-zinc-600">Use your Gatehouse username (or email) and password.</p>
      <LoginForm next={nextPath ?? ""} />
      {config.passkey_login ? (
        <>
          <div className="my-5 flex items-center gap-3 text-xs text-zinc-500" aria-hidden>
            <span className="h-px flex-1 bg-zinc-200" />
            or
            <span className="h-px flex-1 bg-zinc-200" />
          </div>
          <PasskeySignIn next={safeRedirectPath(nextPath)} />
        </>
      ) : null}
    </>
  );
}
