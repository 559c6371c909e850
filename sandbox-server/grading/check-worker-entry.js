/**
 * The check thread's entry: plain JavaScript, because a worker starts without the TypeScript
 * loader. It registers tsx, then a hook that loads every TypeScript file outside node_modules
 * as an ES module (a course in its own folder may have no package.json saying "type":
 * "module", and checks.ts is written as one), then starts check-worker.ts.
 */
import { register } from 'node:module'
import { register as registerTsx } from 'tsx/esm/api'

registerTsx()
// Registered last, so it runs first and sees tsx's answer.
register(new URL('./ts-as-module-hooks.js', import.meta.url))
await import(new URL('./check-worker.ts', import.meta.url).href)
