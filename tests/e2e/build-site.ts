/**
 * Vitest's global setup for the browser tests: starts building the learning site once per run,
 * when a browser test is queued, and returns at once so the other test files run meanwhile (a
 * build takes a minute on a quiet machine, several on a busy one). The build holds the site's
 * build lock; the browser tests' `beforeAll` waits for it with `buildSiteIfNeeded`, which
 * returns once site/dist is current (and builds, with Astro's own error, if this build failed).
 */
import { buildSiteIfNeeded } from '../../scripts/site-build-if-needed.ts'

export default function startSiteBuild() {
  const controller = new AbortController()
  // The lock is taken before this returns, so the browser tests cannot start a second build.
  const building = buildSiteIfNeeded({ log: (line) => console.log(`browser tests: ${line}`), signal: controller.signal }).catch(
    () => {}, // the browser tests' own buildSiteIfNeeded reports it
  )
  return async function stopSiteBuild() {
    controller.abort()
    await building
  }
}
