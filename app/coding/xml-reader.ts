/**
 * A small, strict XML reader for files people upload (a REFI-QDA codebook, docs/decisions/071-codebook-exchange.md).
 * It reads elements, attributes, text, CDATA, comments and processing instructions, and nothing that
 * can reach outside the document or grow it: a DOCTYPE (and with it every DTD, external entity and
 * entity expansion, "billion laughs" included) is refused outright, and only the five predefined
 * entities and character references are understood. Sizes are capped before and while reading.
 *
 * Namespaces are resolved (prefix or default `xmlns`), so a file that writes `<qdc:CodeBook>` reads
 * the same as one that writes `<CodeBook xmlns=…>`. The reader does not validate against a schema:
 * the caller checks the shape it needs (with zod), which is the boundary the house style asks for.
 */

export interface XmlElement {
  /** The local name (without prefix). */
  name: string;
  /** The namespace URI, or "" when none is in scope. */
  namespace: string;
  /** Attributes as written (a prefixed attribute keeps its prefix); xmlns declarations are not among them. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), concatenated; whitespace kept as written. */
  text: string;
}

export type XmlErrorReason = "too_large" | "doctype" | "malformed" | "too_deep" | "too_many_elements";

export class XmlReadError extends Error {
  constructor(
    readonly reason: XmlErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "XmlReadError";
  }
}

export interface XmlLimits {
  /** Characters of the whole document. */
  maxLength: number;
  maxDepth: number;
  maxElements: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxLength: 2_000_000, maxDepth: 64, maxElements: 20_000 };

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string, at: number): string {
  return text.replace(/&([^;&\s]{0,12});?/g, (whole, ref: string) => {
    if (!whole.endsWith(";")) throw new XmlReadError("malformed", `A bare "&" near character ${at}`);
    if (ref in PREDEFINED) return PREDEFINED[ref]!;
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#\d{1,7}$/.test(ref) ? Number(ref.slice(1)) : NaN;
    if (!Number.isInteger(code) || code < 0x9 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      throw new XmlReadError("malformed", `Unknown entity "&${ref};" near character ${at}`);
    return String.fromCodePoint(code);
  });
}

function parseAttributes(source: string, at: number): [string, string][] {
  const out: [string, string][] = [];
  const re = /\s*([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/y;
  let i = 0;
  while (i < source.length) {
    if (/^\s*$/.test(source.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(source);
    if (!m || !NAME.test(m[1]!) || /</.test(m[3] ?? m[4] ?? ""))
      throw new XmlReadError("malformed", `A malformed attribute near character ${at}`);
    if (out.some(([name]) => name === m[1])) throw new XmlReadError("malformed", `A repeated attribute "${m[1]}" near character ${at}`);
    out.push([m[1]!, decodeEntities(m[3] ?? m[4] ?? "", at)]);
    i = re.lastIndex;
  }
  return out;
}

/** Reads a document into its root element, or throws XmlReadError. */
export function readXml(input: string, limits: Partial<XmlLimits> = {}): XmlElement {
  const { maxLength, maxDepth, maxElements } = { ...DEFAULT_LIMITS, ...limits };
  if (input.length > maxLength) throw new XmlReadError("too_large", "The file is too large");
  const text = input.replace(/^\uFEFF/, "");
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlReadError("doctype", "Document type declarations are not accepted");

  const stack: { element: XmlElement; scope: Map<string, string>; qualified: string }[] = [];
  let root: XmlElement | null = null;
  let elements = 0;
  let i = 0;
  const appendText = (chunk: string, at: number) => {
    const top = stack[stack.length - 1];
    if (top) top.element.text += chunk;
    else if (chunk.trim()) throw new XmlReadError("malformed", `Text outside the root element near character ${at}`);
  };

  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt === -1) {
      appendText(decodeEntities(text.slice(i), i), i);
      break;
    }
    if (lt > i) appendText(decodeEntities(text.slice(i, lt), i), i);
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      if (end === -1) throw new XmlReadError("malformed", "An unclosed comment");
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", lt)) {
      const end = text.indexOf("]]>", lt + 9);
      if (end === -1 || stack.length === 0) throw new XmlReadError("malformed", "A misplaced or unclosed CDATA section");
      appendText(text.slice(lt + 9, end), lt);
      i = end + 3;
    } else if (text.startsWith("<?", lt)) {
      const end = text.indexOf("?>", lt + 2);
      if (end === -1) throw new XmlReadError("malformed", "An unclosed processing instruction");
      i = end + 2;
    } else if (text.startsWith("<!", lt)) {
      throw new XmlReadError("malformed", `A declaration that is not accepted near character ${lt}`);
    } else if (text.startsWith("</", lt)) {
      const end = text.indexOf(">", lt);
      if (end === -1) throw new XmlReadError("malformed", "An unclosed end tag");
      const name = text.slice(lt + 2, end).trim();
      const top = stack.pop();
      if (!top || top.qualified !== name)
        throw new XmlReadError("malformed", `An end tag </${name}> that closes nothing open near character ${lt}`);
      i = end + 1;
    } else {
      // A start tag: find its end outside quoted attribute values.
      let j = lt + 1;
      let quote: string | null = null;
      for (; j < text.length; j++) {
        const c = text[j]!;
        if (quote) {
          if (c === quote) quote = null;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === ">") break;
      }
      if (j >= text.length) throw new XmlReadError("malformed", "An unclosed start tag");
      const selfClosing = text[j - 1] === "/";
      const inner = text.slice(lt + 1, selfClosing ? j - 1 : j);
      const nameMatch = /^[^\s/>]+/.exec(inner);
      const qualified = nameMatch?.[0] ?? "";
      if (!NAME.test(qualified)) throw new XmlReadError("malformed", `A malformed tag near character ${lt}`);
      if (root && stack.length === 0) throw new XmlReadError("malformed", "More than one root element");
      if (++elements > maxElements) throw new XmlReadError("too_many_elements", "The file has too many elements");
      if (stack.length + 1 > maxDepth) throw new XmlReadError("too_deep", "The file is nested too deeply");
      const parentScope = stack[stack.length - 1]?.scope ?? new Map<string, string>();
      const scope = new Map(parentScope);
      const attributes: Record<string, string> = {};
      for (const [name, value] of parseAttributes(inner.slice(qualified.length), lt)) {
        if (name === "xmlns") scope.set("", value);
        else if (name.startsWith("xmlns:")) scope.set(name.slice(6), value);
        else attributes[name] = value;
      }
      const [prefix, local] = qualified.includes(":") ? (qualified.split(":") as [string, string]) : ["", qualified];
      const namespace = scope.get(prefix) ?? "";
      if (prefix && !scope.has(prefix)) throw new XmlReadError("malformed", `An undeclared prefix "${prefix}" near character ${lt}`);
      const element: XmlElement = { name: local, namespace, attributes, children: [], text: "" };
      const parent = stack[stack.length - 1];
      if (parent) parent.element.children.push(element);
      else root = element;
      if (!selfClosing) stack.push({ element, scope, qualified });
      i = j + 1;
    }
  }
  if (stack.length > 0) throw new XmlReadError("malformed", `The element <${stack[stack.length - 1]!.qualified}> is never closed`);
  if (!root) throw new XmlReadError("malformed", "The file has no root element");
  return root;
}
