import { AppError } from "@/lib/errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids come from URLs and forms: a malformed one is simply "not found" (404),
 * never a driver error about uuid syntax.
 * @throws {AppError} not_found
 */
export function asUuid(id: string): string {
  if (typeof id !== "string" || !UUID.test(id)) throw new AppError("not_found", "Not found");
  return id.toLowerCase();
}
