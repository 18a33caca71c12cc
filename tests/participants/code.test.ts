import { describe, expect, it } from "vitest";
import {
  CODE_ALPHABET,
  formatParticipantCode,
  generateParticipantCode,
  generateSealToken,
  hashParticipantCode,
  normaliseParticipantCode,
  sealCode,
  unsealCode,
} from "~/participants/code";

const KEY = "k".repeat(32);

function canonical(formatted: string): string {
  const r = normaliseParticipantCode(formatted);
  if (!r.ok) throw new Error(`not valid: ${formatted} (${r.reason})`);
  return r.code;
}

describe("generateParticipantCode", () => {
  it("looks like XXXX-XXXX-XXXX-XXXX using only unambiguous characters", () => {
    for (let i = 0; i < 200; i++) {
      const code = generateParticipantCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      expect(code).not.toMatch(/[ILOU]/);
    }
  });

  it("always reads back as valid (its check character is right)", () => {
    for (let i = 0; i < 500; i++) {
      const code = generateParticipantCode();
      expect(normaliseParticipantCode(code)).toEqual({ ok: true, code: code.replaceAll("-", "") });
    }
  });

  it("does not repeat and uses the whole alphabet in every data position", () => {
    const codes = Array.from({ length: 4000 }, generateParticipantCode);
    expect(new Set(codes).size).toBe(codes.length);
    const compact = codes.map((c) => c.replaceAll("-", ""));
    for (let pos = 0; pos < 15; pos++) {
      const seen = new Set(compact.map((c) => c[pos]));
      expect(seen.size, `position ${pos}`).toBe(32);
    }
  });
});

describe("normaliseParticipantCode", () => {
  const code = generateParticipantCode();
  const compact = code.replaceAll("-", "");

  it("forgives case, spaces, dashes and other separators a person might use", () => {
    for (const typed of [
      code.toLowerCase(),
      compact,
      compact.toLowerCase(),
      code.replaceAll("-", " "),
      `  ${code.replaceAll("-", "  ")}  `,
      code.replaceAll("-", "."),
      code.replaceAll("-", "–"), // en dash from autocorrect
      code.replaceAll("-", "\u00A0"), // non-breaking space
      compact.split("").join(" "), // read aloud one character at a time
    ]) {
      expect(normaliseParticipantCode(typed), JSON.stringify(typed)).toEqual({ ok: true, code: compact });
    }
  });

  it("reads O as zero and I or L as one, as Crockford base32 specifies", () => {
    // Build a valid code containing 0 and 1 so the aliases can be exercised.
    let sample = "";
    for (;;) {
      sample = generateParticipantCode().replaceAll("-", "");
      if (sample.slice(0, 15).includes("0") && sample.slice(0, 15).includes("1")) break;
    }
    const typed = sample.slice(0, 15).replace("0", "o").replace("1", "L").replace(/1/g, "i") + sample.slice(15);
    expect(normaliseParticipantCode(typed)).toEqual({ ok: true, code: sample });
  });

  it("accepts Arabic-Indic digits and full-width characters from phone keyboards", () => {
    const arabicDigits = compact.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));
    expect(normaliseParticipantCode(arabicDigits)).toEqual({ ok: true, code: compact });
    const persianDigits = compact.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
    expect(normaliseParticipantCode(persianDigits)).toEqual({ ok: true, code: compact });
    const fullWidth = [...compact].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("");
    expect(normaliseParticipantCode(fullWidth)).toEqual({ ok: true, code: compact });
  });

  it("rejects U and other characters outside the alphabet", () => {
    expect(normaliseParticipantCode(`U${compact.slice(1)}`)).toEqual({ ok: false, reason: "characters" });
    expect(normaliseParticipantCode(`${compact.slice(0, 15)}*`)).toEqual({ ok: false, reason: "characters" });
    expect(normaliseParticipantCode("ABCD-EFGH-JKMN-PQR!")).toEqual({ ok: false, reason: "characters" });
  });

  it("says when a group is missing or a character is added", () => {
    expect(normaliseParticipantCode(code.slice(0, 14))).toEqual({ ok: false, reason: "length" });
    expect(normaliseParticipantCode(`${code}0`)).toEqual({ ok: false, reason: "length" });
    expect(normaliseParticipantCode("")).toEqual({ ok: false, reason: "length" });
    expect(normaliseParticipantCode(" - - ")).toEqual({ ok: false, reason: "length" });
  });

  it("detects every single wrong character and every swap of neighbours (exhaustive over one code)", () => {
    // Use a code with no two equal neighbours so every adjacent swap really changes the code.
    let c = compact;
    while ([...c].some((ch, i) => i > 0 && c[i - 1] === ch)) c = generateParticipantCode().replaceAll("-", "");
    let substitutions = 0;
    for (let i = 0; i < c.length; i++) {
      for (const replacement of CODE_ALPHABET) {
        if (replacement === c[i]) continue;
        const typo = c.slice(0, i) + replacement + c.slice(i + 1);
        expect(normaliseParticipantCode(typo), typo).toEqual({ ok: false, reason: "check" });
        substitutions++;
      }
    }
    expect(substitutions).toBe(16 * 31);
    for (let i = 0; i + 1 < c.length; i++) {
      const swapped = c.slice(0, i) + c[i + 1] + c[i] + c.slice(i + 2);
      expect(normaliseParticipantCode(swapped), swapped).toEqual({ ok: false, reason: "check" });
    }
  });

  it("detects substitutions and swaps across many random codes too", () => {
    for (let n = 0; n < 100; n++) {
      const c = generateParticipantCode().replaceAll("-", "");
      for (let i = 0; i < c.length; i++) {
        for (const r of CODE_ALPHABET) {
          if (r === c[i]) continue;
          expect(normaliseParticipantCode(c.slice(0, i) + r + c.slice(i + 1)).ok).toBe(false);
        }
        if (i + 1 < c.length && c[i] !== c[i + 1]) {
          expect(normaliseParticipantCode(c.slice(0, i) + c[i + 1] + c[i] + c.slice(i + 2)).ok).toBe(false);
        }
      }
    }
  });
});

describe("formatParticipantCode", () => {
  it("groups a canonical code in fours", () => {
    const c = canonical(generateParticipantCode());
    expect(formatParticipantCode(c)).toBe(`${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8, 12)}-${c.slice(12)}`);
  });

  it("refuses input that has not been normalised", () => {
    expect(() => formatParticipantCode("abcd")).toThrow(TypeError);
    expect(() => formatParticipantCode(generateParticipantCode())).toThrow(TypeError);
  });
});

describe("hashParticipantCode", () => {
  it("is a stable HMAC-SHA256 hex digest of the canonical code", async () => {
    const { createHmac } = await import("node:crypto");
    const c = canonical(generateParticipantCode());
    const h = hashParticipantCode(c, KEY);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashParticipantCode(c, KEY)).toBe(h);
    expect(h).toBe(createHmac("sha256", KEY).update(c).digest("hex"));
  });

  it("the same code typed differently finds the same record", () => {
    const code = generateParticipantCode();
    expect(hashParticipantCode(canonical(code.toLowerCase().replaceAll("-", " ")), KEY)).toBe(hashParticipantCode(canonical(code), KEY));
  });

  it("depends on the server key, so a database dump alone cannot be checked against guesses", () => {
    const c = canonical(generateParticipantCode());
    expect(hashParticipantCode(c, KEY)).not.toBe(hashParticipantCode(c, Buffer.alloc(32, 1)));
  });

  it("refuses short keys and non-canonical codes", () => {
    const code = generateParticipantCode();
    expect(() => hashParticipantCode(canonical(code), "short")).toThrow(RangeError);
    expect(() => hashParticipantCode(code, KEY)).toThrow(TypeError);
  });
});

describe("sealCode / unsealCode", () => {
  const code = generateParticipantCode();
  const token = generateSealToken();

  it("re-shows the code to the browser holding the token", () => {
    const sealed = sealCode(code, token);
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(sealed).not.toContain(code.replaceAll("-", ""));
    expect(unsealCode(sealed, token)).toBe(code.replaceAll("-", ""));
    expect(unsealCode(sealed, Buffer.from(token, "utf8"))).toBe(code.replaceAll("-", ""));
  });

  it("gives nothing to another browser", () => {
    expect(unsealCode(sealCode(code, token), generateSealToken())).toBeNull();
  });

  it("gives nothing when the sealed value was altered in any byte", () => {
    const sealed = sealCode(code, token);
    const bytes = Buffer.from(sealed.slice(3), "base64url");
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = altered[i]! ^ 1;
      expect(unsealCode(`v1.${altered.toString("base64url")}`, token), `byte ${i}`).toBeNull();
    }
  });

  it("gives nothing for garbage, truncated values or a wrong context, and never throws", () => {
    const sealed = sealCode(code, token, "study-1");
    expect(unsealCode(sealed, token, "study-1")).toBe(code.replaceAll("-", ""));
    expect(unsealCode(sealed, token, "study-2")).toBeNull();
    expect(unsealCode(sealed, token)).toBeNull();
    for (const bad of ["", "v1.", "v2" + sealed.slice(2), sealed.slice(0, 30), `${sealed}.x`, "v1.!!!!", "v1.AAAA"]) {
      expect(unsealCode(bad, token)).toBeNull();
    }
    expect(unsealCode(sealed, "")).toBeNull();
  });

  it("produces a different sealed value each time (fresh salt and nonce)", () => {
    expect(sealCode(code, token)).not.toBe(sealCode(code, token));
  });

  it("refuses a weak token and an invalid code", () => {
    expect(() => sealCode(code, "short")).toThrow(RangeError);
    expect(() => sealCode("not-a-code", token)).toThrow(TypeError);
  });

  it("issues tokens with 256 bits that are safe to put in a cookie", () => {
    const t = generateSealToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t, "base64url")).toHaveLength(32);
  });
});
