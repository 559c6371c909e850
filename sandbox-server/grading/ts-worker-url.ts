/**
 * Worker threads that run TypeScript start from ts-worker.js (tsx registered, TypeScript loaded
 * as ES modules), with `workerData: { module }` naming the TypeScript module to run.
 *
 * @example
 * new Worker(TS_WORKER, { workerData: { module: new URL('./check-worker.ts', import.meta.url).href } })
 */
export const TS_WORKER = new URL('./ts-worker.js', import.meta.url)
