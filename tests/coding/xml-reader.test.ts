/**
 * The strict XML reader behind the codebook import (docs/decisions/071-codebook-exchange.md): what
 * it reads, and the documents it refuses before they can reach outside themselves or grow.
 */
import { describe, expect, it } from "vitest";
import { readXml, XmlReadError } from "../../app/coding/xml-reader";

function reason(text: string, limits = {}) {
  try {
    readXml(text, limits);
    return "read";
  } catch (error) {
    if (error instanceof XmlReadError) return error.reason;
    throw error;
  }
}

describe("the strict XML reader", () => {
  it("reads elements, attributes, entities, character references, CDATA and namespaces", () => {
    const root = readXml(
      `\uFEFF<?xml version="1.0"?><!-- c --><a:Root xmlns:a="urn:x" xmlns="urn:d" k='v &amp; "q"'><Child n="&#x1F64F;&#233;">t &lt;1&gt; <![CDATA[<raw & kept>]]></Child><a:Empty/></a:Root>`,
    );
    expect(root).toMatchObject({ name: "Root", namespace: "urn:x", attributes: { k: 'v & "q"' } });
    expect(root.children.map((c) => [c.name, c.namespace])).toEqual([
      ["Child", "urn:d"],
      ["Empty", "urn:x"],
    ]);
    expect(root.children[0]!.attributes.n).toBe("🙏é");
    expect(root.children[0]!.text).toBe("t <1> <raw & kept>");
  });

  it("refuses a DTD, entities it does not know and anything malformed", () => {
    expect(reason(`<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>`)).toBe("doctype");
    expect(reason(`<!DOCTYPE r SYSTEM "http://evil.example/x.dtd"><r/>`)).toBe("doctype");
    expect(reason(`<r>&ext;</r>`)).toBe("malformed");
    expect(reason(`<r>AT&T</r>`)).toBe("malformed");
    expect(reason(`<r>&#0;</r>`)).toBe("malformed");
    expect(reason(`<r><a></r>`)).toBe("malformed");
    expect(reason(`<r>`)).toBe("malformed");
    expect(reason(`<r/><s/>`)).toBe("malformed");
    expect(reason(`<p:r/>`)).toBe("malformed");
    expect(reason(`<r a="1" a="2"/>`)).toBe("malformed");
    expect(reason(`<r a=1/>`)).toBe("malformed");
    expect(reason(`text`)).toBe("malformed");
    expect(reason(``)).toBe("malformed");
  });

  it("caps length, depth and the number of elements", () => {
    expect(reason(`<r>${"x".repeat(100)}</r>`, { maxLength: 50 })).toBe("too_large");
    expect(reason(`${"<a>".repeat(10)}${"</a>".repeat(10)}`, { maxDepth: 5 })).toBe("too_deep");
    expect(reason(`<r>${"<a/>".repeat(10)}</r>`, { maxElements: 5 })).toBe("too_many_elements");
    expect(reason(`<r>${"<a/>".repeat(10)}</r>`)).toBe("read");
  });
});
