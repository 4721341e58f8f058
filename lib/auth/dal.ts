import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, redirect, unauthorized } from "next/navigation";
import { cache } from "react";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { resolvePrincipal, type Principal, type Resolution } from "./principal";

/**
 * The data-access layer's door: with the session-cookie pair in ./cookies.ts, the only
 * module that touches the request through `next/headers`. Every page, server action and route handler asks here, even though
 * middleware already asked (defence in depth: a middleware bypass such as
 * CVE-2025-29927 must open nothing). Cached per request with React `cache`.
 */
export const getResolution = cache(async (): Promise<Resolution> => resolvePrincipal({ headers: await headers(), cookies: await cookies() }));

/**
 * For server actions and route handlers.
 * @throws {AppError} unauthenticated (401) or forbidden (403).
 */
export async function requireUser(): Promise<Principal> {
  const resolution = await getResolution();
  if (resolution.ok) return resolution.principal;
  throw new AppError(resolution.status === 403 ? "forbidden" : "unauthenticated", resolution.message);
}

/** @throws {AppError} unauthenticated (401) or forbidden (403, also for non-admins). */
export async function requireAdmin(): Promise<Principal> {
  const principal = await requireUser();
  if (principal.role !== "admin") throw new AppError("forbidden", "Only admins can do this");
  return principal;
}

/**
 * For pages: the principal, or the right interruption — the login page (built-in mode),
 * the Cloudflare notice (401) or the access-denied page (403).
 */
export async function requirePageUser(): Promise<Principal> {
  const resolution = await getResolution();
  if (resolution.ok) return resolution.principal;
  if (resolution.status === 403) forbidden();
  if (resolution.status === 503) redirect("/access/unavailable");
  if (!getConfig().cfAccess) redirect("/login");
  unauthorized();
}

/** For admin pages: non-admins get the 403 page. */
export async function requirePageAdmin(): Promise<Principal> {
  const principal = await requirePageUser();
  if (principal.role !== "admin") forbidden();
  return principal;
}
