/**
 * Writes to the tables a participant page keeps in memory (study, study_instrument), seen as this
 * process makes them, so that the process's own next request never uses what it kept from before:
 * app/participants/study-cache.server.ts. Other processes learn of a change from the
 * study_revision row that a trigger counts up (migration 0018); see ADR 073.
 *
 * The counter is found from the Kysely instance through a registry on globalThis, because the
 * server's code is a bundle (build/) with its own copies of the modules that import this file,
 * while the database is opened by the unbundled scripts (and by tests in the same process).
 */
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";

export interface StudyChanges {
  /** Counted up before and after every statement that writes study or study_instrument. */
  count: number;
}

const REGISTRY = Symbol.for("tandem.studyChanges");
const registry: WeakMap<object, StudyChanges> =
  ((globalThis as Record<symbol, unknown>)[REGISTRY] as WeakMap<object, StudyChanges> | undefined) ?? new WeakMap();
(globalThis as Record<symbol, unknown>)[REGISTRY] = registry;

/** The counter of a database opened by openDatabase; undefined for any other (a transaction, say). */
export function studyChangesOf(db: object): StudyChanges | undefined {
  return registry.get(db);
}

export function registerStudyChanges(db: object, changes: StudyChanges) {
  registry.set(db, changes);
}

const WATCHED = new Set(["study", "study_instrument"]);
const RAW_WRITE =
  /\b(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?|merge\s+into)\s+(?:only\s+)?(?:"?public"?\.)?"?(study|study_instrument)"?(?![a-z_])/i;

function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === "AliasNode") return tableName((node as unknown as { node: OperationNode }).node);
  if (node.kind === "TableNode") return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  return undefined;
}

/** Whether a statement (or any statement nested in it, e.g. in a WITH) writes a watched table. */
function writesWatched(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(writesWatched);
  if (!isNode(node)) return false;
  const n = node as OperationNode & Record<string, unknown>;
  switch (n.kind) {
    case "InsertQueryNode":
    case "MergeQueryNode":
      if (WATCHED.has(tableName(n.into as OperationNode) ?? "")) return true;
      break;
    case "UpdateQueryNode":
      if (WATCHED.has(tableName(n.table as OperationNode) ?? "")) return true;
      break;
    case "DeleteQueryNode":
      if (((n.from as { froms: OperationNode[] } | undefined)?.froms ?? []).some((f) => WATCHED.has(tableName(f) ?? ""))) return true;
      break;
    case "RawNode":
      if (RAW_WRITE.test((n.sqlFragments as string[]).join(" "))) return true;
      break;
    // Reads never write: only what they nest (a WITH) is looked into.
    case "SelectQueryNode":
      return writesWatched(n.with);
  }
  for (const value of Object.values(n)) {
    if (Array.isArray(value) ? value.some(writesWatched) : isNode(value) && !VALUES.has(value.kind) && writesWatched(value)) return true;
  }
  return false;
}

// Values hold no statements, and can be large (a transcript upload); they are not looked into.
const VALUES = new Set(["ValueNode", "ValuesNode", "ValueListNode", "PrimitiveValueListNode"]);

function isNode(value: unknown): value is OperationNode {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

export class StudyChangesPlugin implements KyselyPlugin {
  private readonly writing = new WeakSet<object>();
  constructor(readonly changes: StudyChanges) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (writesWatched(args.node)) {
      this.writing.add(args.queryId);
      this.changes.count++;
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.writing.has(args.queryId)) this.changes.count++;
    return args.result;
  }
}
