import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

/** The ids a range answers, or fails with the status when it is not a 200. */
const idsBetween = async (t: CheckContext, from: string, to: string, because: string) => {
  const response = await t.request('GET', `/bookings?from=${from}&to=${to}`)
  t.expectStatus(response, 200, because)
  return (response.json as { id: number }[]).map((booking) => booking.id)
}

export default defineChecks([
  {
    name: 'BUG-142: the June report includes 30 June at 18:00',
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/bookings?from=2024-06-01&to=2024-06-30')
      t.expectStatus(response, 200, 'both dates are valid')
      t.expect(
        response.json?.map((booking: { id: number }) => booking.id),
        'June 1 to June 30, both days included, holds bookings 2 to 8; 8 is Hana on 2024-06-30 18:00, the one from the ticket',
      ).toEqual([2, 3, 4, 5, 6, 7, 8])
      t.expect(response.json?.at(-1), 'each booking should be { id, room, guest, startsAt }').toEqual({
        id: 8,
        room: 'Fjord',
        guest: 'Hana',
        startsAt: '2024-06-30 18:00',
      })
    },
  },
  {
    name: 'A one-day range lists the whole day, from 00:00 to 23:59',
    hint: 1,
    async run(t) {
      const ids = await idsBetween(t, '2024-06-15', '2024-06-15', 'from and to may be the same day')
      t.expect(
        ids,
        'from=2024-06-15&to=2024-06-15 is all of 15 June: bookings 4 (00:00), 5 (14:30) and 6 (23:59). The bug is not only about 30 June',
      ).toEqual([4, 5, 6])
    },
  },
  {
    name: 'Bookings just outside the range stay out',
    hint: 2,
    async run(t) {
      const first = await idsBetween(t, '2024-06-01', '2024-06-01', 'a one-day range is valid')
      t.expect(first, '1 June holds only booking 2 (00:00); booking 1 at 2024-05-31 23:30 is the day before').toEqual([2])
      const last = await idsBetween(t, '2024-06-30', '2024-06-30', 'a one-day range is valid')
      t.expect(last, '30 June holds only booking 8; booking 9 at 2024-07-01 00:00 is already the next day').toEqual([8])
    },
  },
  {
    name: 'Any range works, not just June',
    hint: 2,
    async run(t) {
      const ids = await idsBetween(t, '2024-05-31', '2024-07-01', 'the dates are valid')
      t.expect(ids, '31 May to 1 July, both included, holds bookings 1 to 9 and 11, earliest first').toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11])
      const july = await idsBetween(t, '2024-07-01', '2024-07-31', 'the dates are valid')
      t.expect(july, 'July holds bookings 9 (1 July 00:00), 11 (1 July 09:00) and 10 (2 July), earliest first, whatever their ids').toEqual([
        9, 11, 10,
      ])
    },
  },
  {
    name: 'Missing or malformed dates still answer 400',
    async run(t) {
      const cases: [string, string][] = [
        ['/bookings?from=2024-06-01', 'to is missing'],
        ['/bookings?to=2024-06-30', 'from is missing'],
        ['/bookings?from=2024-06-01&to=July', '"July" is not a date'],
        ['/bookings?from=2024-6-1&to=2024-06-30', 'dates are written YYYY-MM-DD, with two-digit months and days'],
        ['/bookings?from=2024-06-30&to=2024-06-01', 'from is after to'],
      ]
      for (const [path, because] of cases) {
        const response = await t.request('GET', path)
        t.expectJson(response, 400, { error: t.expect.any(String) }, `${because}; the body should be { error: "..." }`)
      }
    },
  },
])
