import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * A 'use client' file ships everything it imports to the browser. Its static value imports ('@/...' and
 * relative) must never reach a module that imports zod (server validation and its messages) or
 * server-only (which breaks the client build). Type-only imports are erased, so they do not count.
 */
const ROOT = path.resolve(__dirname, '..');
const FORBIDDEN = ['zod', 'server-only'];
const EXTENSIONS = ['.ts', '.tsx'];

type Directive = 'use client' | 'use server' | null;
type Parsed = { local: string[]; packages: string[]; directive: Directive };
const cache = new Map<string, Parsed>();

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return EXTENSIONS.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolveLocal(from: string, specifier: string): string | null {
  const base = specifier.startsWith('@/')
    ? path.join(ROOT, specifier.slice(2))
    : path.resolve(path.dirname(from), specifier);
  const candidates = [
    base,
    ...EXTENSIONS.map((ext) => base + ext),
    ...EXTENSIONS.map((ext) => path.join(base, `index${ext}`)),
  ];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    !clause.name &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

function parse(file: string): Parsed {
  const hit = cache.get(file);
  if (hit) return hit;
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const first = source.statements[0];
  const prologue =
    first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression)
      ? first.expression.text
      : null;
  const directive = prologue === 'use client' || prologue === 'use server' ? prologue : null;
  const parsed: Parsed = { local: [], packages: [], directive };
  for (const node of source.statements) {
    let specifier: string | null = null;
    if (ts.isImportDeclaration(node) && !isTypeOnlyImport(node) && ts.isStringLiteral(node.moduleSpecifier))
      specifier = node.moduleSpecifier.text;
    if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      specifier = node.moduleSpecifier.text;
    if (specifier === null) continue;
    if (specifier.startsWith('@/') || specifier.startsWith('.')) {
      const resolved = resolveLocal(file, specifier);
      if (!resolved) throw new Error(`${path.relative(ROOT, file)}: cannot resolve '${specifier}'`);
      parsed.local.push(resolved);
    } else parsed.packages.push(specifier);
  }
  cache.set(file, parsed);
  return parsed;
}

const forbiddenIn = (packages: string[]) =>
  packages.find((p) => FORBIDDEN.some((f) => p === f || p.startsWith(`${f}/`))) ?? null;

/**
 * The first import chain from `entry` to a module importing a forbidden package, or null. A 'use server'
 * module is a boundary: the client receives references to its actions, never its code.
 */
function forbiddenChain(entry: string): string[] | null {
  const seen = new Set<string>([entry]);
  const queue: string[][] = [[entry]];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    const file = chain[chain.length - 1]!;
    const { local, packages } = parse(file);
    const bad = forbiddenIn(packages);
    if (bad) return [...chain.map((f) => path.relative(ROOT, f)), `'${bad}'`];
    for (const next of local) {
      if (seen.has(next) || parse(next).directive === 'use server') continue;
      seen.add(next);
      queue.push([...chain, next]);
    }
  }
  return null;
}

const clientFiles = ['app', 'components']
  .flatMap((dir) => sourceFiles(path.join(ROOT, dir)))
  .filter((file) => parse(file).directive === 'use client')
  .sort();

describe("'use client' import graph", () => {
  it('finds the client components', () => {
    expect(clientFiles.map((f) => path.relative(ROOT, f))).toContain('components/alerts/rules/form-rule.tsx');
  });

  it('follows value imports through modules, not type-only imports nor server actions', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-imports-'));
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
    write(
      'form.tsx',
      "'use client';\nimport { LIMIT } from './constants';\nimport type { Schema } from './types';\n",
    );
    write('constants.ts', "export { LIMIT } from './schema';\n");
    write(
      'schema.ts',
      "import { z } from 'zod';\nexport const LIMIT = 5;\nexport const schema = z.string();\n",
    );
    write('types.ts', "import 'server-only';\nexport type Schema = string;\n");
    write(
      'actions.ts',
      "'use server';\nimport { schema } from './schema';\nexport async function save() {}\n",
    );
    write(
      'clean.tsx',
      "'use client';\nimport type { Schema } from './types';\nimport { type LIMIT } from './schema';\nimport { save } from './actions';\n",
    );
    try {
      expect(forbiddenChain(path.join(dir, 'form.tsx'))?.map((f) => path.basename(f))).toEqual([
        'form.tsx',
        'constants.ts',
        'schema.ts',
        "'zod'",
      ]);
      expect(forbiddenChain(path.join(dir, 'clean.tsx'))).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(clientFiles.map((f) => [path.relative(ROOT, f), f] as const))(
    '%s reaches neither zod nor server-only',
    (_, file) => {
      const chain = forbiddenChain(file);
      expect(chain, `imports ${chain?.join(' -> ')}`).toBeNull();
    },
  );
});
