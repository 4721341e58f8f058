import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the logs know about the request being served: its id (also sent back as
 * `X-Request-Id`) and, once the principal is resolved, the user's id. The HTTP server
 * (server.ts) opens one per request; code running inside that request — middleware,
 * pages, actions, route handlers, the gateway — reads it through {@link currentRequest}.
 */
export interface RequestContext {
  requestId: string;
  userId?: string;
}

// On globalThis: the server bundle opens the context, the middleware and app bundles read
// it, and each bundle has its own copy of this module.
const STORE = Symbol.for("gatehouse.requestContext");
type Holder = { [STORE]?: AsyncLocalStorage<RequestContext> };

function storage(): AsyncLocalStorage<RequestContext> {
  const holder = globalThis as Holder;
  return (holder[STORE] ??= new AsyncLocalStorage<RequestContext>());
}

/** Runs `fn` (and everything it awaits) with `context` as the current request. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage().run(context, fn);
}

/** The request being served, or undefined outside one (start-up, shutdown, `next dev`). */
export function currentRequest(): RequestContext | undefined {
  return storage().getStore();
}

/** Records who is asking, for the request's log line. No-op outside a request. */
export function setRequestUser(userId: string): void {
  const context = storage().getStore();
  if (context) context.userId = userId;
}
