/**
 * The import graph of the source tree, read with TypeScript's own parser: every `import`,
 * `export … from` and `import()` of a file, with its line, whether it is type-only (erased at
 * run time) or dynamic (loaded when reached), and the repository path it resolves to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** The importing file, relative to the root, with `/` separators. */
  readonly from: string;
  readonly line: number;
  readonly specifier: string;
  /** The imported file relative to the root; undefined for a package. */
  readonly target: string | undefined;
  /** `type`: erased at run time; `dynamic`: `import()`, loaded only when the code runs. */
  readonly kind: 'static' | 'type' | 'dynamic';
}

const posix = (path: string): string => path.split(sep).join('/');

/** The `.ts` files under `folders` of `root`, relative to `root`, sorted. */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const files: string[] = [];
  for (const folder of folders) {
    let entries;
    try {
      entries = readdirSync(join(root, folder), { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
        files.push(posix(relative(root, join(entry.parentPath, entry.name))));
    }
  }
  return files.sort();
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (clause === undefined) return false;
  if (clause.phaseModifier === ts.SyntaxKind.TypeKeyword) return true;
  // `import { type A, type B } from …` is erased too, as verbatimModuleSyntax keeps nothing of it.
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

/** Every import of one file. */
export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (literal: ts.StringLiteralLike, kind: ImportEdge['kind']): void => {
    const specifier = literal.text;
    const target = specifier.startsWith('.') ? posix(join(dirname(file), specifier)) : undefined;
    const line = source.getLineAndCharacterOfPosition(literal.getStart()).line + 1;
    edges.push({ from: file, line, specifier, target, kind });
  };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteralLike(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier, isTypeOnly(node) ? 'type' : 'static');
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0], 'dynamic');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/**
 * The packages a process loads before any of its code runs: everything reached from `entry`
 * through imports that are neither type-only nor dynamic.
 */
export function packagesLoadedAtStart(root: string, entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    for (const edge of importsOf(root, file)) {
      if (edge.kind !== 'static') continue;
      if (edge.target !== undefined) pending.push(edge.target);
      else if (!edge.specifier.startsWith('node:'))
        packages.add(
          edge.specifier.startsWith('@')
            ? edge.specifier.split('/').slice(0, 2).join('/')
            : (edge.specifier.split('/')[0] ?? edge.specifier),
        );
    }
  }
  return packages;
}
