/**
 * A production install (`npm ci --omit=dev`) has no devDependencies, so nothing the server or
 * the grader runs may load one. Starting from the programs package.json runs (its `bin` and the
 * sandbox-server files its scripts start), this follows every import, and every file a process
 * or thread is started from (`new URL('./worker.ts', import.meta.url)`), and fails on any
 * run-time use of a devDependency. Type-only imports vanish when the code runs, so they may name
 * one; tests and their helpers are never reached from the entry points, so they may too.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../sandbox-server/content/index.ts'

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>
  scripts: Record<string, string>
  devDependencies: Record<string, string>
}
const devDependencies = new Set(Object.keys(manifest.devDependencies))

/** The files package.json starts that ship with the server: its `bin`, and sandbox-server files its scripts run. */
const entryPoints = [
  ...Object.values(manifest.bin),
  ...Object.values(manifest.scripts).flatMap((script) => script.match(/sandbox-server\/\S+\.(?:ts|js)/g) ?? []),
].map((file) => join(PROJECT_ROOT, file))

/** What one file refers to at run time: module specifiers, and relative paths of files it starts. */
function runTimeReferences(file: string): { modules: string[]; files: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const modules: string[] = []
  const files: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      const bindings = clause?.namedBindings
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((element) => element.isTypeOnly)))
      if (!typeOnly) modules.push(node.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) modules.push(node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const [argument] = node.arguments as unknown as [ts.StringLiteralLike]
      // import('x') and import.meta.resolve('x')
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword || node.expression.getText() === 'import.meta.resolve') modules.push(argument.text)
    } else if (ts.isNewExpression(node) && node.expression.getText() === 'URL' && node.arguments?.length === 2) {
      const [path, base] = node.arguments
      if (ts.isStringLiteralLike(path!) && base!.getText() === 'import.meta.url' && /\.[cm]?[jt]s$/.test(path.text)) files.push(path.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return { modules, files }
}

/** The file a relative specifier names, or undefined for one that is not a source file here (a .d.ts beside a .js is the .js). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const path = resolve(dirname(from), specifier)
  return [path, `${path}.ts`, join(path, 'index.ts')].find((candidate) => existsSync(candidate) && /\.[cm]?[jt]s$/.test(candidate))
}

const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

/** Every file reached from the entry points, and each bare module imported at run time with the file that imports it. */
function reach(): { files: Set<string>; packages: { name: string; file: string }[] } {
  const files = new Set<string>()
  const packages: { name: string; file: string }[] = []
  const queue = [...entryPoints]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (files.has(file)) continue
    files.add(file)
    const { modules, files: started } = runTimeReferences(file)
    for (const specifier of [...modules, ...started]) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier)
        if (target !== undefined && !target.includes('/node_modules/')) queue.push(target)
      } else if (!specifier.startsWith('node:')) {
        packages.push({ name: packageOf(specifier), file: relative(PROJECT_ROOT, file) })
      }
    }
  }
  return { files, packages }
}

describe('a production install', () => {
  const { files, packages } = reach()
  const reached = [...files].map((file) => relative(PROJECT_ROOT, file))

  it('starts from the server, the grader and every process and thread they start', () => {
    expect(reached).toEqual(
      expect.arrayContaining([
        'sandbox-server/main.ts',
        'sandbox-server/grader-cli/launcher.js',
        'sandbox-server/grader-cli/main.ts',
        'sandbox-server/sessions/workers/worker.ts',
        'sandbox-server/capabilities/db/child.js',
        'sandbox-server/grading/check-worker.ts',
        'sandbox-server/content/type-check-worker.ts',
      ]),
    )
    expect(reached.filter((file) => /\.test\.ts$/.test(file))).toEqual([])
  })

  it('loads no devDependency at run time (type-only imports aside)', () => {
    const offending = packages.filter(({ name }) => devDependencies.has(name)).map(({ name, file }) => `${file} loads ${name}`)
    expect([...new Set(offending)]).toEqual([])
  })
})
