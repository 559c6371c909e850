/**
 * Scale-out, for real: three replicas of `npm start` sharing Redis (SESSION_STORE) behind
 * HAProxy with deploy/haproxy.cfg. Fifty sessions write through their live URLs while one
 * replica is killed with SIGKILL and later started again. Every session goes on elsewhere with
 * every acknowledged write, no two replicas ever answer from diverging copies of a session,
 * and each request succeeds at the latest on its one retry (the browser workspace's).
 *
 * Needs Debian's haproxy and redis-server: without them the test fails saying how to install them.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startCluster, waitFor, type Cluster, type ClusterProcess } from '../support/cluster.ts'
import { rawRequest } from '../support/raw-request.ts'

const SESSIONS = 50

/** Each write inserts its number (again is a no-op) and answers every number the session holds. */
const APP = `import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS writes (n INTEGER PRIMARY KEY)')
const app = new Hono()
const all = () => db.all('SELECT n FROM writes ORDER BY n').map((row) => row.n)
app.post('/writes/:n', (c) => {
  db.run('INSERT OR IGNORE INTO writes (n) VALUES (?)', [Number(c.req.param('n'))])
  return c.json(all())
})
app.get('/writes', (c) => c.json(all()))
export default app
`

let cluster: Cluster

beforeAll(async () => {
  cluster = await startCluster({ replicas: 3 })
})

afterAll(async () => {
  await cluster?.stop()
})

interface Writer {
  id: string
  /** Numbers whose write was answered 200, in order. */
  acknowledged: number[]
  /** When each acknowledged write was sent (Date.now()). */
  sentAt: number[]
  /** When each was answered. */
  answeredAt: number[]
  next: number
  retries: number
  /** Writes that failed on their retry too. */
  failures: string[]
  /** Answers that lacked an earlier acknowledged write: a copy that diverged. */
  divergent: string[]
}

/** A live-URL request through HAProxy: the session is named by the Host header, as in a browser. */
function live(id: string, method: string, path: string) {
  return rawRequest(cluster.port, method, path, { headers: { host: `${id}.localhost` } })
}

/** The log's tag for a session (observability/logging.ts: ids never appear in logs). */
const tagOf = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 12)

/** The tokens under which each replica took sessions up, from its log: tag -> [replica, token][]. */
function takeUps(): Map<string, { replica: ClusterProcess; token: number; run: number }[]> {
  const found = new Map<string, { replica: ClusterProcess; token: number; run: number }[]>()
  for (const replica of cluster.replicas) {
    replica.output.split('--- restarted').forEach((run, index) => {
      for (const line of run.split('\n')) {
        if (!line.includes('"session_taken_up"')) continue
        const { session, token } = JSON.parse(line) as { session: string; token: number }
        const tag = session.replace(/^session#/, '')
        found.set(tag, [...(found.get(tag) ?? []), { replica, token, run: index }])
      }
    })
  }
  return found
}

/** The replica holding the session now: the one that took it up under the highest token. */
function holderOf(id: string): ClusterProcess | undefined {
  const all = takeUps().get(tagOf(id)) ?? []
  return all.reduce<(typeof all)[number] | undefined>((best, next) => (best && best.token > next.token ? best : next), undefined)?.replica
}

it('keeps 50 sessions writing through a replica killed with SIGKILL and restarted', { timeout: 600_000 }, async () => {
  const writers: Writer[] = []
  for (let i = 0; i < SESSIONS; i++) {
    const created = await rawRequest(cluster.port, 'POST', '/api/sessions', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: APP }),
    })
    expect(created.status, created.text).toBe(201)
    const id = JSON.parse(created.text).sessionId as string
    writers.push({ id, acknowledged: [], sentAt: [], answeredAt: [], next: 1, retries: 0, failures: [], divergent: [] })
  }

  let stopping = false
  /** One write, sent again once (as the browser workspace does) when it fails. */
  async function write(writer: Writer) {
    const n = writer.next++
    const sentAt = Date.now()
    let problem = ''
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt === 1) writer.retries++
      const answer = await live(writer.id, 'POST', `/writes/${n}`).catch((error: Error) => ({ status: 0, text: error.message }))
      if (answer.status === 200) {
        const held = new Set(JSON.parse(answer.text) as number[])
        const missing = writer.acknowledged.filter((earlier) => !held.has(earlier))
        if (missing.length > 0) writer.divergent.push(`write ${n} answered without ${missing.join(', ')}`)
        writer.acknowledged.push(n)
        writer.sentAt.push(sentAt)
        writer.answeredAt.push(Date.now())
        return
      }
      problem = `${answer.status} ${answer.text.slice(0, 300)}`
    }
    writer.failures.push(`write ${n} failed twice: ${problem}`)
  }
  const loops = writers.map(async (writer) => {
    while (!stopping) {
      await write(writer)
      // A learner clicks, not a load generator: a write every 100 ms at the most.
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })
  const acknowledgedSince = (writer: Writer, since: number) => writer.sentAt.filter((at) => at >= since).length

  // Every session writes; then the replica holding the most sessions is killed mid-traffic.
  await waitFor('every session to have written', () => writers.every((writer) => writer.acknowledged.length >= 2), 180_000)
  const counts = new Map<ClusterProcess, number>()
  for (const writer of writers) {
    const holder = holderOf(writer.id)
    if (holder) counts.set(holder, (counts.get(holder) ?? 0) + 1)
  }
  const victim = [...counts].sort((a, b) => b[1] - a[1])[0]![0]
  const moved = writers.filter((writer) => holderOf(writer.id) === victim)
  expect(moved.length).toBeGreaterThan(0)
  const killedAt = Date.now()
  await cluster.kill(victim)

  // Its sessions go on elsewhere: taken up by another replica, with their writes.
  await waitFor('every session to write after the kill', () => writers.every((writer) => acknowledgedSince(writer, killedAt) >= 2), 180_000)
  for (const writer of moved) expect(holderOf(writer.id), 'a killed replica’s session is held elsewhere').not.toBe(victim)
  const failoverMs = moved.map((writer) => {
    // From the kill to the first write sent after it being answered (on another replica).
    const first = writer.sentAt.findIndex((at) => at >= killedAt)
    return writer.answeredAt[first]! - killedAt
  })

  // Started again: the sessions that hash to it come back to it, with everything written meanwhile.
  const restartedAt = Date.now()
  await cluster.restart(victim)
  await waitFor('the restarted replica to take sessions up', () => moved.some((writer) => holderOf(writer.id) === victim), 120_000)
  await waitFor('every session to write after the restart', () => writers.every((writer) => acknowledgedSince(writer, restartedAt) >= 2), 180_000)
  stopping = true
  await Promise.all(loops)

  for (const writer of writers) {
    const final = await live(writer.id, 'GET', '/writes')
    expect(final.status, final.text).toBe(200)
    const held: number[] = JSON.parse(final.text)
    // Every acknowledged write, and nothing that was never sent.
    const lost = writer.acknowledged.filter((n) => !held.includes(n))
    expect(lost, `session#${tagOf(writer.id)} lost acknowledged writes`).toEqual([])
    expect(
      held.filter((n) => n >= writer.next),
      `session#${tagOf(writer.id)} holds writes never sent`,
    ).toEqual([])
  }
  expect(writers.flatMap((writer) => writer.failures)).toEqual([])
  expect(writers.flatMap((writer) => writer.divergent)).toEqual([])
  // Every take-over drew a new token: no two replicas held one session under the same one.
  for (const [tag, holds] of takeUps()) expect(new Set(holds.map((hold) => hold.token)).size, tag).toBe(holds.length)
  for (const replica of cluster.replicas) for (const writer of writers) expect(replica.output.includes(writer.id)).toBe(false)

  const sorted = [...failoverMs].sort((a, b) => a - b)
  const writes = writers.reduce((sum, writer) => sum + writer.acknowledged.length, 0)
  const retries = writers.reduce((sum, writer) => sum + writer.retries, 0)
  console.log(
    `scale-out: ${writes} writes acknowledged, ${retries} retried; ${moved.length} sessions failed over from ${victim.name}: ` +
      `median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms`,
  )
})
