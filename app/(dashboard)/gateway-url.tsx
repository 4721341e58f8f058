"use client";

import { useSyncExternalStore } from "react";
import { CopyButton } from "@/app/_components/copy-button";

const never = () => () => {};

/**
 * A provider's full gateway URL (the base URL for an OpenAI SDK) with a copy button. The
 * origin is GATEHOUSE_PUBLIC_URL's when set, else the one this browser uses to reach
 * Gatehouse (known only in the browser: the server render shows the path until then).
 */
export function GatewayUrl({ path, configuredOrigin, providerName }: { path: string; configuredOrigin: string | null; providerName: string }) {
  const origin = useSyncExternalStore(
    never,
    () => configuredOrigin ?? window.location.origin,
    () => configuredOrigin ?? "",
  );
  const url = `${origin}${path}`;
  return (
    <div className="flex min-w-0 items-center gap-2">
      <code className="min-w-0 flex-1 font-mono text-xs break-all text-zinc-700" data-testid="gateway-url">
        {url}
      </code>
      <CopyButton value={url} subject={`the gateway URL of ${providerName}`} className="shrink-0" />
    </div>
  );
}
