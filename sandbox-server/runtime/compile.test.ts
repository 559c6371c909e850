import { stop } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { compileLearnerModule } from './compile.ts'
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

  it('compiles on a fresh esbuild when the old one was stopped mid-build', async () => {
    const compiling = compileLearnerModule(APP)
    void stop()
    expect((await compiling).code).toContain('app.get')
  })
})
