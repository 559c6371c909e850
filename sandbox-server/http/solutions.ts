/**
 * Who may read an exercise's reference solution, decided by the server (the `SOLUTIONS`
 * setting), not only hidden by the UI: `after-attempt` (the default) once the session's code
 * has been checked and counted as an attempt, `never` (graded coursework), `always`.
 * After-attempt is a speed bump, not a lock: anyone can check the starter once.
 */
export const SOLUTION_POLICIES = ['after-attempt', 'never', 'always'] as const
export type SolutionPolicy = (typeof SOLUTION_POLICIES)[number]

/**
 * The policy a setting names; unset means after-attempt. Throws an Error that lists the
 * accepted values for anything else.
 *
 * @example
 * const solutions = solutionPolicyFrom(process.env.SOLUTIONS) // 'after-attempt'
 */
export function solutionPolicyFrom(value: string | undefined): SolutionPolicy {
  if (value === undefined || value === '') return 'after-attempt'
  if ((SOLUTION_POLICIES as readonly string[]).includes(value)) return value as SolutionPolicy
  throw new Error(`SOLUTIONS must be one of ${SOLUTION_POLICIES.join(', ')}, got "${value}".`)
}
