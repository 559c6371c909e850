/**
 * Records what plain @hono/node-server answers to the Hono docs corpus (tests/hono-docs), the
 * reference the sandbox is held to. Run it after upgrading hono or @hono/node-server:
 * `npm run hono-docs:record`, then read the diff of tests/hono-docs/recorded.json.
 *
 * Each app is bundled with esbuild as the sandbox compiles it (JSX through hono/jsx), run in
 * this process on a real socket, and sent its requests one connection at a time.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serve } from '@hono/node-server'
import { build } from 'esbuild'
import { format, resolveConfig } from 'prettier'
import { rawRequest } from '../tests/support/raw-request.ts'
import { APPS_DIR, RECORDED_FILE, answerFromSocket, loadCorpus, type Answer, type Recorded } from '../tests/hono-docs/corpus.ts'

interface FetchApp {
  /** `env` is what @hono/node-server passes (the Node request and response), which getConnInfo reads. */
  fetch(request: Request, env: unknown): Response | Promise<Response>
}

/** The app as Node runs it: bundled into one ES module, so its imports resolve from this project. */
async function loadOnNode(file: string, workDir: string): Promise<FetchApp> {
  const result = await build({
    entryPoints: [join(APPS_DIR, file)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    logLevel: 'silent',
  })
  const out = join(workDir, `${file}.mjs`)
  await writeFile(out, result.outputFiles[0]!.text)
  return ((await import(pathToFileURL(out).href)) as { default: FetchApp }).default
}

async function packageVersion(name: string): Promise<string> {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url)
  return (JSON.parse(await readFile(url, 'utf8')) as { version: string }).version
}

async function record(): Promise<Recorded> {
  const workDir = await mkdtemp(join(tmpdir(), 'hono-docs-'))
  const answers: Recorded['answers'] = {}
  try {
    for (const docsApp of await loadCorpus()) {
      const app = await loadOnNode(docsApp.file, workDir)
      // The names of the headers the app's own Response had: the rest the HTTP server added.
      let appHeaders = new Set<string>()
      const fetch = async (request: Request, env: unknown) => {
        const response = await app.fetch(request, env)
        appHeaders = new Set(response.headers.keys())
        return response
      }
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started))
      })
      const { port } = server.address() as { port: number }
      const byName: Record<string, Answer> = {}
      try {
        for (const request of docsApp.requests) {
          if (byName[request.name]) throw new Error(`${docsApp.file}: two requests are named "${request.name}"`)
          const response = await rawRequest(port, request.method ?? 'GET', request.path, { headers: request.headers, body: request.body })
          const answer = answerFromSocket(response, `http://127.0.0.1:${port}`)
          const serverAdded = answer.headers.map(([name]) => name).filter((name) => !appHeaders.has(name))
          byName[request.name] = { ...answer, ...(serverAdded.length > 0 ? { serverAdded } : {}) }
        }
      } finally {
        await new Promise((resolve) => server.close(resolve))
      }
      answers[docsApp.name] = byName
      console.log(`${docsApp.name}: ${docsApp.requests.length} answers`)
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
  return {
    recordedWith: {
      hono: await packageVersion('hono'),
      '@hono/node-server': await packageVersion('@hono/node-server'),
      node: process.version,
    },
    answers,
  }
}

const recorded = await record()
const text = await format(JSON.stringify(recorded), { ...(await resolveConfig(RECORDED_FILE)), filepath: RECORDED_FILE })
await writeFile(RECORDED_FILE, text)
console.log(`wrote ${RECORDED_FILE}`)
