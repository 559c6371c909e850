/**
 * The entry of a worker thread that runs TypeScript: plain JavaScript, because a worker starts
 * without the TypeScript loader. It registers tsx, then a hook that loads every TypeScript file
 * outside node_modules as an ES module (a course in its own folder may have no package.json
 * saying "type": "module", and checks.ts is written as one), then imports the module named by
 * `workerData.module` (a file URL): grading/check-worker.ts, content/type-check-worker.ts.
 */
import { register } from 'node:module'
import { workerData } from 'node:worker_threads'
import { register as registerTsx } from 'tsx/esm/api'

registerTsx()
// Registered last, so it runs first and sees tsx's answer.
register(new URL('./ts-as-module-hooks.js', import.meta.url))
await import(workerData.module)
