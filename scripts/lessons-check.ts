/**
 * `npm run lessons:check`: validates every role, lesson and exercise, or only the exercises named
 * (`npm run lessons:check -- crud-notes`), and prints one line per problem,
 * `file:line: field: message`, then a summary. Exits 1 on any error, 2 on a usage error;
 * `-- --help` says it all (sandbox-server/content/check-cli.ts).
 */
import { runLessonsCheck } from '../sandbox-server/content/check-cli.ts'

const controller = new AbortController()
process.once('SIGINT', () => controller.abort(new Error('lessons:check was interrupted')))
process.exitCode = await runLessonsCheck(process.argv.slice(2), process, controller.signal)
