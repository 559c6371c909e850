/**
 * deploy/kubernetes/haproxy.cfg finds its replicas through DNS, deploy/haproxy.cfg lists them;
 * the routing by session id must be the same in both, and both must be configurations HAProxy
 * accepts. Needs Debian's haproxy (as the scale-out test does).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { assertClusterBinaries } from '../support/cluster.ts'

const root = join(import.meta.dirname, '..', '..')
const LOCAL = join(root, 'deploy', 'haproxy.cfg')
const KUBERNETES = join(root, 'deploy', 'kubernetes', 'haproxy.cfg')

/** The settings of one section, without comments, blank lines and the lines named in `besides`. */
function section(file: string, header: string, besides: RegExp): string[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const start = lines.findIndex((line) => line.trim() === header)
  expect(start, `${file} has no "${header}" section`).toBeGreaterThanOrEqual(0)
  const body: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break
    const setting = line.trim()
    if (setting && !setting.startsWith('#') && !besides.test(setting)) body.push(setting)
  }
  return body
}

describe('the HAProxy configurations in deploy/', () => {
  it.each([
    ['frontend sandbox', /^bind /],
    ['backend replicas', /^(server|server-template|default-server) /],
    ['defaults', /^$/],
  ])('route alike, in Kubernetes as on one machine: %s', (header, besides) => {
    expect(section(KUBERNETES, header, besides)).toEqual(section(LOCAL, header, besides))
  })

  it.each([
    ['deploy/haproxy.cfg', LOCAL],
    ['deploy/kubernetes/haproxy.cfg', KUBERNETES],
  ])('are accepted by haproxy -c: %s', (_name, file) => {
    assertClusterBinaries()
    const checked = spawnSync('haproxy', ['-c', '-f', file], {
      env: { ...process.env, HAPROXY_BIND: '127.0.0.1:8080', REPLICA_1: '127.0.0.1:3001', REPLICA_2: '127.0.0.1:3002', REPLICA_3: '127.0.0.1:3003' },
      encoding: 'utf8',
    })
    expect(checked.status, checked.stdout + checked.stderr).toBe(0)
  })
})
