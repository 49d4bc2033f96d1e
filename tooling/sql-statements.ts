/**
 * The SQL the service sends, read from its TypeScript sources: every string literal, template
 * literal (with `${…}` as a placeholder) and `+` concatenation of them that starts like a statement.
 * tooling/citus-layout.test.ts checks each against the distribution in docs/SCALING.md.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

export interface SqlStatement {
  /** Path from the repository root. */
  file: string;
  line: number;
  /** The statement with whitespace collapsed. */
  text: string;
}

const STATEMENT_START = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|TRUNCATE)\b/i;

/** The text of a literal or a `+` chain of literals; null for anything computed. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return node.head.text + node.templateSpans.map((span) => `\${…}${span.literal.text}`).join("");
  }
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    return left === null || right === null ? null : left + right;
  }
  return null;
}

/** The statements in one source file (outermost literal expressions only). */
export function statementsIn(path: string, root: string): SqlStatement[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const found: SqlStatement[] = [];
  const visit = (node: ts.Node): void => {
    const text = literalText(node);
    if (text !== null) {
      if (STATEMENT_START.test(text)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push({ file: relative(root, path), line: line + 1, text: text.replace(/\s+/g, " ").trim() });
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every statement under the folders (recursively), test files and test support left out. */
export function sqlStatements(root: string, folders: string[]): SqlStatement[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "testing") walk(path);
      else if (/\.(ts|mjs)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) files.push(path);
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return files.sort().flatMap((file) => statementsIn(file, root));
}

/** Table names a statement reads or writes (after FROM, JOIN, INTO, UPDATE, TABLE). */
export function tablesOf(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(
    /\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?: IF NOT EXISTS)?)\s+([a-z_][a-z0-9_]*)/gi,
  )) {
    names.add(match[1]!.toLowerCase());
  }
  return [...names];
}
