/**
 * The shared session store (sessions/store-redis.ts) between two replicas in this process, on
 * a real redis-server: a session moves between them with its code, data, cache and clock, and
 * the fencing token keeps a replica that still believes it holds a session (one paused, or one
 * the router left and came back to) from writing over what the newer holder wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDbPool } from '../../sandbox-server/capabilities/db/index.ts'
import { createLogger } from '../../sandbox-server/observability/index.ts'
import { createSessionStore, UnknownSession } from '../../sandbox-server/sessions/index.ts'
import { localSessions, type SessionService } from '../../sandbox-server/sessions/service.ts'
import { sharedSessions, type SharedSessions } from '../../sandbox-server/sessions/store-redis.ts'
import { startRedis, waitFor, type ClusterProcess } from '../support/cluster.ts'

const APP = `import { Hono } from 'hono'
import { db, cache, clock } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS writes (n INTEGER PRIMARY KEY)')
const app = new Hono()
const all = () => db.all('SELECT n FROM writes ORDER BY n').map((row) => row.n)
app.post('/writes/:n', (c) => {
  db.run('INSERT INTO writes (n) VALUES (?)', [Number(c.req.param('n'))])
  cache.set('last', c.req.param('n'))
  return c.json(all())
})
app.get('/state', (c) => c.json({ writes: all(), last: cache.get('last') ?? null, now: clock.now() }))
export default app
`

const folder = mkdtempSync(join(tmpdir(), 'sandbox-shared-store-'))
let redis: ClusterProcess
const replicas: SessionService[] = []

/** A replica: the in-process session service on a DATA_DIR of its own, sharing the Redis. */
async function startReplica(name: string, redisPort = redis.port): Promise<SharedSessions> {
  const dataDir = join(folder, name)
  const store = await createSessionStore({
    db: createDbPool({ dataDir: join(dataDir, 'databases') }),
    stateFile: join(dataDir, 'sessions.sqlite'),
    loadAll: false,
  })
  const replica = await sharedSessions({
    url: `redis://127.0.0.1:${redisPort}`,
    dataDir,
    service: localSessions(store),
    replica: name,
    logger: createLogger({ level: 'silent' }),
  })
  replicas.push(replica)
  return replica
}

async function send(replica: SessionService, id: string, method: string, path: string) {
  const response = await replica.request(id, { method, path })
  return { status: response.status, body: JSON.parse(new TextDecoder().decode(response.body ?? new Uint8Array())) }
}

beforeAll(async () => {
  redis = await startRedis(folder)
})

afterAll(async () => {
  for (const replica of replicas) await replica.dispose()
  redis?.child.kill('SIGKILL')
  rmSync(folder, { recursive: true, force: true })
})

describe('shared session store', () => {
  it('moves a session to another replica with its code, database, cache and clock', async () => {
    const [a, b] = [await startReplica('move-a'), await startReplica('move-b')]
    const { id } = await a.create({})
    await a.setCode(id, APP)
    expect((await send(a, id, 'POST', '/writes/1')).body).toEqual([1])
    await a.advanceClock(id, 3_600_000)
    // The cache reaches Redis with the ship that follows each change (within SHIP_AGAIN_MS).
    const client = new Redis(redis.port, '127.0.0.1')
    try {
      await waitFor('the cache to be shipped', async () => JSON.parse((await client.hget(`sandbox:{${id}}:state`, 'cache')) ?? '[]').length === 1)
    } finally {
      client.disconnect()
    }
    const state = (await send(b, id, 'GET', '/state')).body
    expect(state.writes).toEqual([1])
    expect(state.last).toBe('1')
    expect(state.now - Date.now()).toBeGreaterThan(3_000_000)
    expect(b.get(id).source).toBe(APP)
  })

  it('refuses the writes of a replica whose token is stale, and runs its call again on what the newer holder wrote', async () => {
    const [a, b] = [await startReplica('fence-a'), await startReplica('fence-b')]
    const { id } = await a.create({})
    await a.setCode(id, APP)
    expect((await send(a, id, 'POST', '/writes/1')).body).toEqual([1])
    // b takes the session over (a new token); a still holds its copy and its old token, as a
    // paused replica would whose lease another has taken since.
    expect((await send(b, id, 'POST', '/writes/2')).body).toEqual([1, 2])
    // a runs the next write on its stale copy first; its ship is refused, so it drops that copy,
    // takes the session up again and runs the write on what b wrote.
    expect((await send(a, id, 'POST', '/writes/3')).body).toEqual([1, 2, 3])
    expect((await send(b, id, 'GET', '/state')).body.writes).toEqual([1, 2, 3])
  })

  it('ships the new database after a reset', async () => {
    const [a, b] = [await startReplica('reset-a'), await startReplica('reset-b')]
    const { id } = await a.create({})
    await a.setCode(id, APP)
    await send(a, id, 'POST', '/writes/1')
    await a.reset(id)
    expect((await send(a, id, 'POST', '/writes/2')).body).toEqual([2])
    expect((await send(b, id, 'GET', '/state')).body.writes).toEqual([2])
  })

  it('draws a new token for each take-over', async () => {
    const [a, b] = [await startReplica('token-a'), await startReplica('token-b')]
    const { id } = await a.create({})
    await a.setCode(id, APP)
    await send(b, id, 'GET', '/state')
    await send(a, id, 'GET', '/state')
    const client = new Redis(redis.port, '127.0.0.1')
    try {
      // Created on a (1), taken up by b (2), then by a again (3).
      expect(await client.get(`sandbox:{${id}}:lease`)).toBe('3:token-a')
    } finally {
      client.disconnect()
    }
  })

  it('is ready only while Redis answers', async () => {
    const own = await startRedis(folder)
    try {
      const replica = await startReplica('ready', own.port)
      expect(await replica.storeCheck.run()).toBeUndefined()
      own.child.kill('SIGKILL')
      await waitFor('the check to fail', async () => (await replica.storeCheck.run()) !== undefined)
      expect(await replica.storeCheck.run()).toMatch(/Redis/)
    } finally {
      own.child.kill('SIGKILL')
    }
  })

  it('deletes a session for every replica, even from one whose token is stale', async () => {
    const [a, b] = [await startReplica('delete-a'), await startReplica('delete-b')]
    const { id } = await a.create({})
    await a.setCode(id, APP)
    await send(b, id, 'GET', '/state')
    await a.delete(id)
    await expect(b.request(id, { method: 'GET', path: '/state' })).rejects.toBeInstanceOf(UnknownSession)
  })
})
