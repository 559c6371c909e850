/**
 * Where the grader writes its results: checked before any grading starts, so a path that cannot
 * be written fails in a moment with a usage error instead of after the whole batch. Folders are
 * made one level at a time, never with `mkdir -p` semantics: Node 20's recursive mkdir loops
 * forever on some paths (under /proc), where one level at a time fails at once with the reason.
 * Nothing here grades or loads the sandbox.
 */
import { access, constants, mkdir, open, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { UsageError } from './args.ts'

/** Makes `folder` and any missing parents, one level at a time; throws the first refusal. */
async function makeFolders(folder: string): Promise<void> {
  const missing: string[] = []
  for (let at = resolve(folder); ; at = dirname(at)) {
    const info = await stat(at).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)))
    if (info?.isDirectory()) break
    if (info) throw new Error(`${at} is a file, not a folder`)
    missing.unshift(at)
    if (dirname(at) === at) break
  }
  for (const level of missing) await mkdir(level)
}

/** Why `error` stopped a write, in a few words: "permission denied (EACCES)". */
function reasonOf(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EROFS: 'read-only file system',
    ENOENT: 'it cannot be created there',
    ENOTDIR: 'a part of the path is a file',
    EISDIR: 'it is a folder',
    ENOSPC: 'no space left',
  }
  return code && words[code] ? `${words[code]} (${code})` : message
}

/**
 * Checks that results can be written at `path` (a file, or a folder of results files) before
 * grading: makes the folders it needs, and opens a file for appending without changing it
 * (a file it had to create is removed again). Throws UsageError with the reason.
 *
 * @example
 * await prepareOutput('results/junit.xml', 'file', '--junit')
 * await prepareOutput('results/exercism', 'folder', '--json')
 */
export async function prepareOutput(path: string, kind: 'file' | 'folder', flag: string): Promise<void> {
  if (path === '-') return
  try {
    if (kind === 'folder') {
      await makeFolders(path)
      await access(path, constants.W_OK)
      return
    }
    await makeFolders(dirname(resolve(path)))
    const existed = await stat(path).then(
      () => true,
      () => false,
    )
    await (await open(path, 'a')).close()
    if (!existed) await unlink(path)
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot write there: ${reasonOf(error)}.`)
  }
}

/**
 * Writes a results file (making its folders), or to `stdout` for "-".
 *
 * @example
 * await writeOutput('results/alice/results.json', json, process.stdout)
 */
export async function writeOutput(path: string, text: string, stdout: NodeJS.WritableStream): Promise<void> {
  if (path === '-') {
    stdout.write(text)
    return
  }
  await makeFolders(dirname(resolve(path)))
  await writeFile(path, text)
}
