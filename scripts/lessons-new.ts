/**
 * `npm run lessons:new -- <role> <slug>`: scaffolds a lesson and its exercise (see
 * sandbox-server/content/scaffold.ts), prints the files it made and what to do next.
 * Refuses, and changes nothing, when a file or slug already exists.
 */
import { ScaffoldRefused, scaffoldLesson } from '../sandbox-server/content/scaffold.ts'

const USAGE = `Usage: npm run lessons:new -- <role> <slug> [--tests]
  <role>   the role folder, e.g. 03-database-whisperer (or database-whisperer when it exists)
  <slug>   the lesson's name in lowercase words joined by dashes, also its exercise id
  --tests  a test-writing exercise: learners write tests for app.ts, graded against mutants
Example: npm run lessons:new -- database-whisperer joins-without-tears`

const all = process.argv.slice(2)
const tests = all.includes('--tests')
const args = all.filter((arg) => arg !== '--tests')
if (args.length !== 2 || args.some((arg) => arg.startsWith('-'))) {
  console.error(USAGE)
  process.exit(args.includes('--help') || args.includes('-h') ? 0 : 1)
}
const [role, slug] = args as [string, string]

try {
  const { created } = await scaffoldLesson({ role, slug, tests })
  const [lesson] = created.filter((file) => file.endsWith('lesson.md'))
  console.log(`Created:\n${created.map((file) => `  ${file}`).join('\n')}

Next steps:
  1. Write the lesson: ${lesson}
     (title, summary, objectives, minutes; then the situation, the idea with a small
     example, and what the exercise asks).
  2. Write the exercise in exercises/${slug}/, in this order: ${
    tests
      ? `app.ts (the app under test, its rules in
     the top comment), checks.ts (one catchesMutant per bug to plant), solution.ts (tests that
     catch every mutant), starter.ts (a first weak test), hints.md (2 or 3 "## " sections).`
      : `seed.sql (tables and rows;
     delete it if you need no database), checks.ts (what must be true), solution.ts
     (passes every check), starter.ts (where learners begin; it must fail a check),
     hints.md (2 or 3 "## " sections: a nudge, the idea, nearly the answer).`
  }
  3. Run npm run lessons:check: it validates everything and grades both starter and solution.
See docs/writing-a-lesson.md for every field and the check API.`)
} catch (error) {
  if (!(error instanceof ScaffoldRefused)) throw error
  console.error(`lessons:new: ${error.message}`)
  process.exitCode = 1
}
