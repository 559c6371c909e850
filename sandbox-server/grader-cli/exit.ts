/** The grader's exit codes and the streams it writes to: shared by its cheap and heavy halves. */

/** Exit codes, as documented in the usage text. */
export const EXIT = { passed: 0, notPassed: 1, usage: 2 } as const

export interface GraderStreams {
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
}
