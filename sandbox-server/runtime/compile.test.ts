import { stop } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { compileLearnerModule, learnerLanguage } from './compile.ts'
import { buildLibrary, buildPrelude } from './prelude/build.ts'
import { CompileError } from './errors.ts'

const APP = `import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/', (c) => c.text('ok'))\nexport default app\n`

describe('compiling learner code', () => {
  it('refuses an enum that doubles a string into megabytes, without holding esbuild', async () => {
    const members = Array.from({ length: 18 }, (_, index) => (index === 0 ? `A0 = "${'x'.repeat(64)}"` : `A${index} = A${index - 1} + A${index - 1}`))
    const source = `enum E { ${members.join(', ')} }\nexport const last = E.A17\n${APP}`
    const error = await compileLearnerModule(source).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(CompileError)
    expect((error as CompileError).message).toMatch(
      /your code compiles to \d+ MB \(at most 4 MB\): look for an enum or constant that doubles a string/,
    )
    // The next learner's compile works on a fresh esbuild.
    expect((await compileLearnerModule(APP)).code).toContain('app.get')
  })

  it('names the separate libraries a module imports, which the prelude every isolate loads does not carry', async () => {
    expect((await compileLearnerModule(APP)).libraries).toEqual([])
    const validated = `import { Type } from '@sinclair/typebox'\nimport { Value } from '@sinclair/typebox/value'\nexport const ok = Value.Check(Type.String(), 'x')\n${APP}`
    expect((await compileLearnerModule(validated)).libraries).toEqual(['typebox'])
    // TypeBox names its kinds with this symbol: in its own script, not in the prelude.
    expect(await buildLibrary('typebox')).toContain('TypeBox.Kind')
    expect(await buildPrelude()).not.toContain('TypeBox.Kind')
  })

  it('compiles on a fresh esbuild when the old one was stopped mid-build', async () => {
    const compiling = compileLearnerModule(APP)
    void stop()
    expect((await compiling).code).toContain('app.get')
  })

  it('reads a file as TSX only when it holds JSX: generics and comparisons stay TypeScript', async () => {
    expect(await learnerLanguage(`const list: Array<string> = []\nconst ok = 1 < 2\nconst id = <T,>(x: T) => x`)).toBe('ts')
    expect(await learnerLanguage(`const cast = <string>(x as unknown)`)).toBe('ts')
    expect(await learnerLanguage(`export const page = () => <main><h1>Hi</h1></main>`)).toBe('tsx')
    expect(await learnerLanguage(`export const page = () => <main><h1>Hi</main>`)).toBe('tsx')
  })

  it('compiles JSX through hono/jsx and writes hono/adapter from the environment given', async () => {
    const source = `import { Hono } from 'hono'\nimport { env } from 'hono/adapter'\nconst app = new Hono()\napp.get('/', (c) => c.html(<p>{env(c).GREETING}</p>))\nexport default app\n`
    const { code } = await compileLearnerModule(source, { env: { GREETING: 'hello' } })
    expect(code).toContain('require("hono/jsx/jsx-runtime")')
    expect(code).toContain(`var environment = { "GREETING": "hello" }`)
    expect(code).not.toContain('require("hono/adapter")')
  })
})
