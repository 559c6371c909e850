/**
 * The grader CLI's entry point (`npm run grade`, and the `backend-sandbox-grade` launcher):
 * runs it with this process's arguments and sets the exit code. A fault of the grader itself
 * (not of a submission) is printed with its stack for whoever maintains the grader.
 */
import { runGraderCli } from './cli.ts'

try {
  process.exitCode = await runGraderCli(process.argv.slice(2))
} catch (error) {
  process.stderr.write(
    `The grader failed (this is a bug or a broken install, not a submission's fault):\n${(error as Error)?.stack ?? String(error)}\n`,
  )
  process.exitCode = 1
}
