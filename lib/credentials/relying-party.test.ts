import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { relyingParty } from "./relying-party";

// The relying party comes from GATEHOUSE_PUBLIC_URL alone; when it cannot work, passkeys
// are off with a reason a person can act on.
const rp = (env: Record<string, string>) => relyingParty(parseConfig(env));

describe("the passkey relying party", () => {
  it("takes its id and origin from GATEHOUSE_PUBLIC_URL", () => {
    expect(rp({ GATEHOUSE_PUBLIC_URL: "https://Gatehouse.Example.com/" })).toEqual({ enabled: true, id: "gatehouse.example.com", origin: "https://gatehouse.example.com", name: "Gatehouse" });
    expect(rp({ GATEHOUSE_PUBLIC_URL: "https://gatehouse.example.com:8443" })).toMatchObject({ id: "gatehouse.example.com", origin: "https://gatehouse.example.com:8443" });
    expect(rp({ GATEHOUSE_PUBLIC_URL: "http://localhost:3000" })).toMatchObject({ enabled: true, id: "localhost", origin: "http://localhost:3000" });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ["unset", {}, /set GATEHOUSE_PUBLIC_URL/],
    ["an IPv4 address", { GATEHOUSE_PUBLIC_URL: "https://10.0.0.5" }, /IP address/],
    ["a loopback IP", { GATEHOUSE_PUBLIC_URL: "http://127.0.0.1:3000" }, /IP address/],
    ["an IPv6 address", { GATEHOUSE_PUBLIC_URL: "https://[2001:db8::1]" }, /IP address/],
    ["plain http off loopback", { GATEHOUSE_PUBLIC_URL: "http://gatehouse.lan" }, /https/],
    ["Cloudflare Access mode", { GATEHOUSE_PUBLIC_URL: "https://gatehouse.example.com", CF_ACCESS_ENABLED: "true", CF_ACCESS_TEAM_DOMAIN: "acme", CF_ACCESS_AUD: "aud" }, /Cloudflare Access/],
  ])("is off with a reason when the public URL is %s", (_name, env, reason) => {
    const result = rp(env);
    expect(result.enabled).toBe(false);
    expect(!result.enabled && result.reason).toMatch(reason);
  });
});
