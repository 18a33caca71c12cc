import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, generateTotpSecret, matchTotpStep, totpCode, totpUri, verifyTotp } from "~/auth/totp";

const ascii = (s: string) => base32Encode(Buffer.from(s, "ascii"));
const SHA1_SEED = ascii("12345678901234567890");
const SHA256_SEED = ascii("12345678901234567890123456789012");
const SHA512_SEED = ascii("1234567890".repeat(6) + "1234");

describe("totpCode: RFC 6238 Appendix B", () => {
  // [unix seconds, SHA1, SHA256, SHA512]
  const vectors: Array<[number, string, string, string]> = [
    [59, "94287082", "46119246", "90693936"],
    [1111111109, "07081804", "68084774", "25091201"],
    [1111111111, "14050471", "67062674", "99943326"],
    [1234567890, "89005924", "91819424", "93441116"],
    [2000000000, "69279037", "90698825", "38618901"],
    [20000000000, "65353130", "77737706", "47863826"],
  ];
  it.each(vectors)("at %i s", (seconds, sha1, sha256, sha512) => {
    expect(totpCode(SHA1_SEED, seconds * 1000, { digits: 8 })).toBe(sha1);
    expect(totpCode(SHA256_SEED, seconds * 1000, { digits: 8, algorithm: "sha256" })).toBe(sha256);
    expect(totpCode(SHA512_SEED, seconds * 1000, { digits: 8, algorithm: "sha512" })).toBe(sha512);
  });

  it("gives the 6-digit codes an authenticator app shows (last six digits)", () => {
    expect(totpCode(SHA1_SEED, 59_000)).toBe("287082");
    expect(totpCode(SHA1_SEED, 1111111109_000)).toBe("081804");
  });

  it("matches RFC 4226 Appendix D HOTP values step by step", () => {
    const hotp = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    hotp.forEach((code, counter) => expect(totpCode(SHA1_SEED, counter * 30_000 + 29_999)).toBe(code));
  });
});

describe("verifyTotp", () => {
  const secret = generateTotpSecret();
  const now = Date.UTC(2025, 0, 15, 10, 0, 10);

  it("accepts the current code, and the previous or next one for clock drift", () => {
    expect(verifyTotp(secret, totpCode(secret, now), now)).toBe(true);
    expect(verifyTotp(secret, totpCode(secret, now - 30_000), now)).toBe(true);
    expect(verifyTotp(secret, totpCode(secret, now + 30_000), now)).toBe(true);
  });

  it("rejects a code two steps old, or any step outside a window of 0", () => {
    expect(verifyTotp(secret, totpCode(secret, now - 60_000), now)).toBe(false);
    expect(verifyTotp(secret, totpCode(secret, now + 60_000), now)).toBe(false);
    expect(verifyTotp(secret, totpCode(secret, now - 30_000), now, 0)).toBe(false);
    expect(verifyTotp(secret, totpCode(secret, now - 60_000), now, 2)).toBe(true);
  });

  it("accepts a code pasted with a space, as apps display it", () => {
    const code = totpCode(secret, now);
    expect(verifyTotp(secret, ` ${code.slice(0, 3)} ${code.slice(3)} `, now)).toBe(true);
  });

  it("rejects wrong, short, long or non-numeric codes and another account's secret", () => {
    const code = totpCode(secret, now);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    for (const bad of [wrong, code.slice(0, 5), `${code}0`, "", "abcdef", "１２３４５６", "12345.", "-12345"]) {
      if (bad === code) continue;
      expect(verifyTotp(secret, bad, now), bad).toBe(false);
    }
    expect(verifyTotp(generateTotpSecret(), code, now)).toBe(false);
    expect(verifyTotp("not base32!", code, now)).toBe(false);
  });

  it("reports the matched step so a used code can be refused a second time", () => {
    const code = totpCode(secret, now - 30_000);
    const step = Math.floor(now / 30_000);
    expect(matchTotpStep(secret, code, now)).toBe(step - 1);
    expect(matchTotpStep(secret, totpCode(secret, now), now)).toBe(step);
  });
});

describe("secrets and URIs", () => {
  it("generates 160-bit base32 secrets that differ every time", () => {
    const a = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(a);
  });

  it("round-trips base32 (RFC 4648 §10 vectors) and forgives case, spaces and padding", () => {
    expect(base32Encode(Buffer.from("foobar"))).toBe("MZXW6YTBOI");
    expect(base32Encode(Buffer.from("fooba"))).toBe("MZXW6YTB");
    expect(base32Encode(Buffer.from("f"))).toBe("MY");
    expect(base32Decode("mzxw 6ytb oi======").toString()).toBe("foobar");
    expect(SHA1_SEED).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  });

  it("builds an otpauth URI that authenticator apps read, with the issuer shown", () => {
    const uri = new URL(totpUri("JBSW Y3DP EHPK 3PXP", "amira@example.org"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Tandem:amira@example.org");
    expect(uri.searchParams.get("secret")).toBe("JBSWY3DPEHPK3PXP");
    expect(uri.searchParams.get("issuer")).toBe("Tandem");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });

  it("escapes labels with spaces, colons and non-Latin letters", () => {
    const uri = totpUri("JBSWY3DPEHPK3PXP", "Siân: Cymru", "Tandem Cardiff");
    expect(uri.startsWith("otpauth://totp/Tandem%20Cardiff:Si%C3%A2n%3A%20Cymru?")).toBe(true);
    expect(uri).toContain("issuer=Tandem%20Cardiff");
    expect(uri).not.toContain("+");
  });
});
