import { describe, expect, it } from "vitest";
import { isMetadataOrLinkLocal, isPrivateHost, parseIPv6 } from "./addresses";

describe("addresses", () => {
  it.each([
    ["169.254.169.254", true],
    ["169.254.0.1", true],
    ["[fd00:ec2::254]", true],
    ["fd00:ec2:0:0:0:0:0:254", true],
    ["fe80::1", true],
    ["::ffff:169.254.169.254", true],
    ["127.0.0.1", false],
    ["10.0.0.1", false],
    ["fd00:ec2::253", false],
    ["api.openai.com", false],
  ])("%s is link-local or metadata: %s", (host, expected) => {
    expect(isMetadataOrLinkLocal(host)).toBe(expected);
  });

  it.each([
    ["127.0.0.1", true],
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.32.0.1", false],
    ["192.168.1.10", true],
    ["100.100.1.1", true],
    ["[::1]", true],
    ["[fd12::1]", true],
    ["::ffff:10.0.0.1", true],
    ["localhost", true],
    ["ollama", true],
    ["gpu-box.lan", true],
    ["vllm.internal", true],
    ["8.8.8.8", false],
    ["api.openai.com", false],
    ["[2001:db8::1]", false],
  ])("%s is private: %s", (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });

  it("parses IPv6 forms", () => {
    expect(parseIPv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6("[2001:db8::]")).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("1:2:3")).toBeNull();
    expect(parseIPv6("not-an-address")).toBeNull();
  });
});
