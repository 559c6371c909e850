import { catchesMutant, defineChecks, testsPass } from '../../sandbox-server/grading/index.ts'

// Each mutant is app.ts with one bug planted; good tests fail on every one of them.
export default defineChecks([
  testsPass({ hint: 1 }),
  catchesMutant({
    bug: 'a new user is answered with 200 instead of 201 Created',
    mutate: ['return c.json({ id, email, name }, 201)', 'return c.json({ id, email, name })'],
  }),
  catchesMutant({
    bug: 'emails are stored as typed, so Ada@Example.com is not lowercased',
    mutate: ['body.email.trim().toLowerCase()', 'body.email.trim()'],
  }),
  catchesMutant({
    bug: 'the Location header of a new user is missing',
    mutate: ["c.header('Location', `/users/${id}`)", ''],
  }),
  catchesMutant({
    bug: 'an email without @ is accepted',
    mutate: ["if (!email.includes('@'))", "if (email === '')"],
  }),
  catchesMutant({
    bug: 'signing up twice with the same email is not refused with 409',
    mutate: ["db.get('SELECT id FROM users WHERE email = ?', [email])", "db.get('SELECT id FROM users WHERE email = ? AND 0', [email])"],
  }),
  catchesMutant({
    bug: 'a name of only spaces is accepted',
    mutate: ["body.name.trim() : ''", "body.name : ''"],
    hint: 2,
  }),
  catchesMutant({
    bug: 'a user that does not exist is answered with 200 instead of 404',
    mutate: ["if (!user) return c.json({ error: 'no such user' }, 404)", ''],
  }),
])
