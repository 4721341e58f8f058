/**
 * Which hosts a provider's base URL may name, and which addresses Gatehouse must never
 * connect to on an admin's behalf. Pure string logic (no DNS, no `node:*`), so the same
 * rules serve zod schemas, the form and the Test probe's resolver.
 */

/** An IPv4 literal as four octets, or null. */
export function parseIPv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** An IPv6 literal (brackets allowed) as eight 16-bit groups, or null. IPv4-mapped tails are folded in. */
export function parseIPv6(host: string): number[] | null {
  let h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (!h.includes(":") || /[^0-9a-f:.]/.test(h)) return null;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (v4) {
    const o = parseIPv4(v4[1]!);
    if (!o) return null;
    h = h.slice(0, -v4[1]!.length) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = h.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), or null. */
function mappedIPv4(groups: number[]): number[] | null {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255];
  return null;
}

/**
 * Link-local and cloud-metadata addresses: 169.254.0.0/16 (AWS, GCP, Azure metadata at
 * 169.254.169.254), fe80::/10, AWS's IPv6 metadata `fd00:ec2::254`. Gatehouse never
 * connects there for a provider, whatever its base URL says.
 */
export function isMetadataOrLinkLocal(address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4) return v4[0] === 169 && v4[1] === 254;
  const v6 = parseIPv6(address);
  if (!v6) return false;
  const mapped = mappedIPv4(v6);
  if (mapped) return mapped[0] === 169 && mapped[1] === 254;
  if ((v6[0]! & 0xffc0) === 0xfe80) return true;
  return v6[0] === 0xfd00 && v6[1] === 0x0ec2 && v6.slice(2, 7).every((g) => g === 0) && v6[7] === 0x254;
}

/** Names that only ever resolve on a private network (RFC 6761, RFC 6762, RFC 8375, common intranet suffixes). */
const PRIVATE_SUFFIXES = [".localhost", ".local", ".internal", ".lan", ".home.arpa", ".localdomain", ".intranet", ".corp", ".svc"];

/**
 * Loopback or private: 127/8, 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT, Tailscale),
 * ::1, fc00::/7, `localhost`, one-label names (Docker and Kubernetes services, `ollama`)
 * and private-only suffixes. Plain http is allowed only for these.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  const v4 = parseIPv4(host);
  if (v4) {
    const [a, b] = v4 as [number, number];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v6 = parseIPv6(host);
  if (v6) {
    const mapped = mappedIPv4(v6);
    if (mapped) return isPrivateHost(mapped.join("."));
    return (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1) || (v6[0]! & 0xfe00) === 0xfc00;
  }
  if (host === "localhost" || !host.includes(".")) return true;
  return PRIVATE_SUFFIXES.some((s) => host.endsWith(s));
}
