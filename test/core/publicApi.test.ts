import { expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The library boundary (package.json "exports", src/index.ts, src/api/): the CLI reaches
 * the core only through it, as any other user of the package would, and at start-up
 * loads only its light entry module (the rest loads when a command runs).
 */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const REPO = resolve(SRC, '..');

const tsFiles = (dir: string): string[] =>
  readdirSync(join(SRC, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(SRC, dir, f));

interface Specifier { text: string; dynamic: boolean; typeOnly: boolean }

/** Every module a file names: import/export-from, `import()` and `typeof import()`. */
function specifiers(file: string): Specifier[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Specifier[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      // tsc drops an import whose every name is a type: it loads nothing at run time.
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({ text: n.moduleSpecifier.text, dynamic: false, typeOnly });
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      out.push({ text: n.moduleSpecifier.text, dynamic: false, typeOnly: n.isTypeOnly });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = n.arguments;
      // A computed specifier cannot be checked: refuse it rather than let it through.
      out.push({ text: arg && ts.isStringLiteralLike(arg) ? arg.text : `<computed: ${arg?.getText(sf)}>`, dynamic: true, typeOnly: false });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ text: n.argument.literal.text, dynamic: false, typeOnly: true });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The source file a relative specifier names (`./x.js` is `./x.ts`); null for packages and node:. */
const target = (from: string, spec: string): string | null =>
  spec.startsWith('.') ? resolve(dirname(from), spec).replace(/\.js$/, '.ts') : null;

const rel = (f: string) => relative(REPO, f);

/**
 * The files `entry` loads as it starts: through static imports that load code (not
 * `import()`, not types), entering only the files `enter` accepts (the others are reached).
 */
function loadedAtStart(entry: string, enter: (file: string) => boolean = () => true): Set<string> {
  const reached = new Set([entry]);
  const walk = (file: string): void => {
    for (const s of specifiers(file)) {
      const t = target(file, s.text);
      if (!t || s.dynamic || s.typeOnly || reached.has(t)) continue;
      reached.add(t);
      if (enter(t)) walk(t);
    }
  };
  walk(entry);
  return reached;
}

test('the parser sees every form of import', () => {
  const file = join(SRC, 'cli/commands/report.ts');
  const found = specifiers(file).map((s) => s.text);
  expect(found).toEqual(expect.arrayContaining(['commander', '../context.js', '../../api/report.js', '../output/reportText.js']));
  expect(specifiers(join(SRC, 'index.ts')).map((s) => s.text)).toContain('./api/report.js');
});

test('no file under src/cli imports a path under src/core: it uses the public API (src/index.ts, src/api/)', () => {
  const deep: string[] = [];
  for (const file of tsFiles('cli')) {
    for (const s of specifiers(file)) {
      const t = target(file, s.text);
      if (s.text.startsWith('<computed') || (t && relative(join(SRC, 'core'), t).split('/')[0] !== '..')) deep.push(`${rel(file)}: ${s.text}`);
    }
  }
  expect(deep).toEqual([]);
});

test('at start-up the CLI loads only the light entry module (src/api/common.ts); each command loads its own', () => {
  // The modules loaded before any command runs, outside the CLI itself.
  const inCli = (f: string) => f.startsWith(join(SRC, 'cli'));
  expect([...loadedAtStart(join(SRC, 'cli/entry.ts'), inCli)].filter((f) => !inCli(f)).map(rel)).toEqual(['src/api/common.ts']);
});

test('the light entry module reaches none of the scanner, the index, the report or prune', () => {
  const heavy = ['core/scan/scan.ts', 'core/index/indexedScan.ts', 'core/report.ts', 'core/prune/prune.ts'];
  expect([...loadedAtStart(join(SRC, 'api/common.ts'))].map((f) => relative(SRC, f)).filter((f) => heavy.includes(f))).toEqual([]);
});

test('every entry module under src/api is re-exported by src/index.ts and is a package.json subpath export', () => {
  const entries = readdirSync(join(SRC, 'api')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, string | { types: string; default: string }> };
  const reexported = specifiers(join(SRC, 'index.ts')).map((s) => s.text.replace(/^\.\/api\/(.*)\.js$/, '$1')).sort();
  expect(reexported).toEqual(entries);
  const subpaths = Object.entries(pkg.exports).filter(([k]) => k !== '.' && k !== './package.json');
  expect(subpaths.map(([k]) => k.slice(2)).sort()).toEqual(entries);
  // The code is the library bundle (scripts/bundle.mjs), the types tsc's declarations.
  for (const [k, v] of subpaths) expect(v, k).toEqual({ types: `./dist/api/${k.slice(2)}.d.ts`, default: `./dist/lib/${k.slice(2)}.js` });
  expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/lib/index.js' });
});
