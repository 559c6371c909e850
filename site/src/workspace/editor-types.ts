/**
 * Declaration files the editor type-checks learner code against: the `sandbox` module
 * (sandbox-server/capabilities/sandbox.d.ts, the same file `npm test` checks starters with)
 * and Hono's and TypeBox's own declarations, placed under file:///node_modules/ so `import ... from 'hono'`
 * and 'hono/<subpath>' resolve as they would in a real project.
 */
import sandboxTypes from '../../../sandbox-server/capabilities/sandbox.d.ts?raw'
import honoPackage from '../../../node_modules/hono/package.json'

const honoDeclarations = import.meta.glob<string>('../../../node_modules/hono/dist/types/**/*.d.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
})

const typeboxDeclarations = import.meta.glob<string>('../../../node_modules/@sinclair/typebox/build/cjs/**/*.d.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
})

export interface TypeLibrary {
  path: string
  content: string
}

/** Hono's d.ts files plus one shim per package export ("hono/cors" -> dist/types/middleware/cors). */
function honoLibraries(): TypeLibrary[] {
  const libraries: TypeLibrary[] = []
  for (const [file, content] of Object.entries(honoDeclarations)) {
    const inside = file.slice(file.indexOf('node_modules/hono/'))
    // Skip what learner code cannot use (runtime adapters; hono/adapter's helper stays), to keep the editor quick.
    if (inside.includes('/types/adapter/')) continue
    libraries.push({ path: `file:///${inside}`, content })
  }
  const exports = (honoPackage as { exports: Record<string, { types?: string } | string> }).exports
  for (const [subpath, target] of Object.entries(exports)) {
    const types = typeof target === 'object' ? target.types : undefined
    if (!types || !types.endsWith('.d.ts') || types.includes('/types/adapter/')) continue
    const name = subpath === '.' ? 'index' : subpath.slice(2)
    const depth = name.split('/').length - 1
    const from = `${'../'.repeat(depth) || './'}${types.slice(2, -'.d.ts'.length)}`
    libraries.push({ path: `file:///node_modules/hono/${name}.d.ts`, content: `export * from '${from}'\n` })
  }
  return libraries
}

/** TypeBox's CommonJS declarations plus a shim per entry learners may import (value, compiler). */
function typeboxLibraries(): TypeLibrary[] {
  const libraries: TypeLibrary[] = Object.entries(typeboxDeclarations).map(([file, content]) => ({
    path: `file:///${file.slice(file.indexOf('node_modules/@sinclair/typebox/'))}`,
    content,
  }))
  libraries.push({ path: 'file:///node_modules/@sinclair/typebox/index.d.ts', content: "export * from './build/cjs/index'\n" })
  for (const entry of ['value', 'compiler']) {
    libraries.push({ path: `file:///node_modules/@sinclair/typebox/${entry}.d.ts`, content: `export * from './build/cjs/${entry}/index'\n` })
  }
  return libraries
}

/** The one module of @hono/node-server learner code may import: getConnInfo, which the sandbox provides. */
const NODE_SERVER_CONNINFO = `import type { GetConnInfo } from 'hono/conninfo'\nexport declare const getConnInfo: GetConnInfo\n`

export function editorTypeLibraries(): TypeLibrary[] {
  return [
    { path: 'file:///node_modules/@types/sandbox/index.d.ts', content: sandboxTypes },
    { path: 'file:///node_modules/@hono/node-server/conninfo.d.ts', content: NODE_SERVER_CONNINFO },
    ...honoLibraries(),
    ...typeboxLibraries(),
  ]
}
