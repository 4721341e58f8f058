import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The layers point one way: lib/auth (the door, sign-in) → lib/users → lib/credentials
// (passwords, sessions, passkeys, the principal cache). Product code importing upward
// would bring the old lib/users ↔ lib/auth cycle back. Tests may reach up.
function imports(dir: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  for (const name of fs.readdirSync(path.join(process.cwd(), dir))) {
    if (!/\.tsx?$/.test(name) || name.endsWith(".test.ts")) continue;
    const file = path.join(dir, name);
    for (const [, target] of fs.readFileSync(file, "utf8").matchAll(/from "(@\/lib\/[^"]+)"/g)) out.push({ file, target: target! });
  }
  return out;
}

describe("credentials layering", () => {
  it.each([
    ["lib/credentials", ["@/lib/users", "@/lib/auth"]],
    ["lib/users", ["@/lib/auth"]],
  ])("%s imports nothing from the layers above it", (dir, above) => {
    const upward = imports(dir).filter(({ target }) => above.some((a) => target.startsWith(`${a}/`)));
    expect(upward).toEqual([]);
  });
});
