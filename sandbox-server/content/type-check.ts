/**
 * Type-checks an exercise's TypeScript (starter.ts, solution.ts, app.ts) the way the editor
 * sees it: against the `sandbox` module's types and the packages learners import (hono,
 * TypeBox), resolved from this project, so a course kept in its own folder needs no
 * node_modules. Library files are parsed once per process and shared by every exercise.
 * Synchronous and CPU-bound: lessons:check and the grader's --typecheck run it in a worker
 * (type-check-worker.ts).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { threadId } from 'node:worker_threads'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import type { LineProblem } from './problems.ts'

const SANDBOX_TYPES = fileURLToPath(new URL('../capabilities/sandbox.d.ts', import.meta.url))
/** Where the incremental build info lives between runs: outside the course and the project. */
const CACHE_DIR = join(tmpdir(), 'backend-sandbox-type-check')
/** Bare imports ('hono') resolve as from a file at the project root. */
const RESOLVE_FROM = fileURLToPath(new URL('../../package.json', import.meta.url))

/** What learner code runs with: ES2022 and the web platform, no Node. Strict, as in the editor. */
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  isolatedModules: true,
  allowImportingTsExtensions: true,
  // Every file is a module, even one without imports: submissions checked together share no names.
  moduleDetection: ts.ModuleDetectionKind.Force,
  // JSX in .tsx files, as the compiler builds it (compile.ts) and as Hono's docs configure it.
  jsx: ts.JsxEmit.ReactJSX,
  jsxImportSource: 'hono/jsx',
}

// The incremental host gives each file the version (a hash of its text) build info compares.
const host = ts.createIncrementalCompilerHost(OPTIONS)
const shared = new Map<string, ts.SourceFile | undefined>()
const readSourceFile = host.getSourceFile.bind(host)
const moduleCache = ts.createModuleResolutionCache(dirname(RESOLVE_FROM), (name) => name, OPTIONS)

/** Exercise files are read fresh on every call (they are what changes); the rest is kept. */
let courseFiles = new Set<string>()
/** Where `./app` leads from a file checked, when it is a test file kept apart from its exercise. */
let appFile: string | undefined
// Build info is written whole or not at all: two runs may share a file.
host.writeFile = (fileName, text) => {
  const partial = `${fileName}.${process.pid}.${threadId}.partial`
  writeFileSync(partial, text)
  renameSync(partial, fileName)
}
host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
  if (courseFiles.has(fileName)) return readSourceFile(fileName, languageVersion, onError, shouldCreate)
  if (!shared.has(fileName)) shared.set(fileName, readSourceFile(fileName, languageVersion, onError, shouldCreate))
  return shared.get(fileName)
}
host.resolveModuleNameLiterals = (literals, containingFile) =>
  literals.map(({ text }) => {
    if (appFile && /^\.\/app(?:\.ts)?$/.test(text) && courseFiles.has(join(containingFile))) {
      return ts.resolveModuleName(`./${basename(appFile)}`, join(dirname(appFile), 'importer.ts'), OPTIONS, host)
    }
    const relative = text.startsWith('.')
    return ts.resolveModuleName(text, relative ? containingFile : RESOLVE_FROM, OPTIONS, host, relative ? undefined : moduleCache)
  })

export type TypeProblem = LineProblem & { file: string; line: number; column: number }

export interface TypeCheckOptions {
  /**
   * The app under test of a test-writing exercise (its app.ts): a checked file's `./app` import
   * leads there, wherever the file is (a submission graded by the CLI). Default: beside the file.
   */
  appFile?: string
}

/**
 * The type errors in `files` (absolute paths), each with the file it is in.
 *
 * @example
 * typeCheck(['/course/exercises/crud-notes/starter.ts'])
 * // [{ file: '/course/exercises/crud-notes/starter.ts', line: 3, column: 7, field: 'types', message: "Type 'string' is not assignable to type 'number'. (TS2322)" }]
 */
export function typeCheck(files: string[], options: TypeCheckOptions = {}): TypeProblem[] {
  courseFiles = new Set(files.map((file) => join(file)))
  appFile = options.appFile
  const rootNames = [SANDBOX_TYPES, ...courseFiles]
  // TypeScript's incremental build info, kept between runs: files that did not change (and
  // whose imports did not) are not checked again. One file per set of files checked.
  const key = createHash('sha256')
    .update(JSON.stringify([rootNames, appFile ?? '']))
    .digest('hex')
    .slice(0, 16)
  const tsBuildInfoFile = join(CACHE_DIR, `type-check-${key}.tsbuildinfo`)
  const program = ts.createIncrementalProgram({ rootNames, options: { ...OPTIONS, incremental: true, tsBuildInfoFile }, host })
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()]
  try {
    mkdirSync(CACHE_DIR, { recursive: true })
    program.emit()
  } catch {
    // No cache where it cannot be written: the next run checks everything again.
  }
  return diagnostics
    .filter((diagnostic) => diagnostic.file && courseFiles.has(join(diagnostic.file.fileName)))
    .map((diagnostic) => ({
      file: join(diagnostic.file!.fileName),
      line: diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1,
      column: diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).character + 1,
      field: 'types',
      message: `${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')} (TS${diagnostic.code})${relatedText(diagnostic)}`,
    }))
}

/**
 * Where else the error points, in the same file: for an unclosed bracket, the line of the one it
 * would close ("; the '(' it would close is on line 4"), which is where the mistake usually is.
 */
function relatedText({ file, relatedInformation = [] }: ts.Diagnostic): string {
  return relatedInformation
    .filter((related) => related.file === file && related.start !== undefined)
    .map((related) => {
      const line = related.file!.getLineAndCharacterOfPosition(related.start!).line + 1
      const match = /to match the '(.)' token here/.exec(ts.flattenDiagnosticMessageText(related.messageText, ' '))
      return match
        ? `; the '${match[1]}' it would close is on line ${line}`
        : `; see line ${line}: ${ts.flattenDiagnosticMessageText(related.messageText, ' ')}`
    })
    .join('')
}
