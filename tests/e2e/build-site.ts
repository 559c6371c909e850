/**
 * Vitest's global setup for the browser tests: builds the learning site once per run, before any
 * browser test starts and only when one is queued. A build takes a minute or more on a busy
 * machine, longer than a hook should wait; an up-to-date site/dist is not built again.
 */
import { buildSiteIfNeeded } from '../../scripts/site-build-if-needed.ts'

export default async function buildSiteOnce() {
  await buildSiteIfNeeded({ log: (line) => console.log(`browser tests: ${line}`) })
}
