import fs from "node:fs";
import path from "node:path";

/**
 * This build's server action ids, read from Next.js's `server-reference-manifest.json`
 * (`{ node: { <id>: … }, edge: { <id>: … } }`) in the build folder: `GATEHOUSE_NEXT_DIST_DIR`
 * (set by server.ts to the `.next` it serves) or `./.next`. Re-read when the file changes
 * (the dev server adds actions as pages compile). Null when there is no readable manifest,
 * and the gate then checks only the id's form.
 */
let cached: { file: string; mtimeMs: number; ids: ReadonlySet<string> } | null = null;

export function knownActionIds(): ReadonlySet<string> | null {
  const file = path.join(process.env.GATEHOUSE_NEXT_DIST_DIR ?? path.join(process.cwd(), ".next"), "server", "server-reference-manifest.json");
  try {
    const { mtimeMs } = fs.statSync(file);
    if (cached && cached.file === file && cached.mtimeMs === mtimeMs) return cached.ids;
    const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { node?: Record<string, unknown>; edge?: Record<string, unknown> };
    const ids = new Set([...Object.keys(manifest.node ?? {}), ...Object.keys(manifest.edge ?? {})]);
    cached = { file, mtimeMs, ids };
    return ids;
  } catch {
    return null;
  }
}
