import { Hono } from 'hono'
import { db, log } from 'sandbox'

// bookings(id, room, guest, starts_at TEXT 'YYYY-MM-DD HH:MM')
//
// GET /bookings?from=YYYY-MM-DD&to=YYYY-MM-DD lists the bookings that start between the two
// days, BOTH DAYS INCLUDED, earliest first: [{ id, room, guest, startsAt }].
// 400 { error } when a date is missing or not YYYY-MM-DD, or when from is after to.
//
// BUG-142 (from the front desk): the June report misses Hana's booking on 30 June at 18:00.
//   curl 'http://<your live URL>/bookings?from=2024-06-01&to=2024-06-30'
// Reproduce it first, then fix the cause, not just this one case.
const app = new Hono()

const DAY = /^\d{4}-\d{2}-\d{2}$/

type BookingRow = { id: number; room: string; guest: string; starts_at: string }

app.get('/bookings', (c) => {
  const from = c.req.query('from') ?? ''
  const to = c.req.query('to') ?? ''
  if (!DAY.test(from) || !DAY.test(to)) {
    return c.json({ error: 'from and to must be dates written YYYY-MM-DD' }, 400)
  }
  if (from > to) return c.json({ error: 'from must not be after to' }, 400)

  const rows = db.all<BookingRow>('SELECT id, room, guest, starts_at FROM bookings WHERE starts_at >= ? AND starts_at <= ? ORDER BY starts_at', [
    from,
    to,
  ])
  log.info('bookings listed', { from, to, found: rows.length })
  return c.json(rows.map((row) => ({ id: row.id, room: row.room, guest: row.guest, startsAt: row.starts_at })))
})

export default app
