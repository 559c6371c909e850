/**
 * What operators see of the server: JSON logs without session ids, Prometheus metrics, and
 * readiness checks. Nothing here changes what a learner's request does.
 */

// Logs
export {
  createLogger,
  createLogBudget,
  sessionTag,
  setProcessLogger,
  runInLogScope,
  currentLogScope,
  logEvent,
  type Logger,
  type LogBudget,
  type LogBudgetOptions,
  type LoggerOptions,
  type RequestLogScope,
} from './logging.ts'

// Metrics
export { createMetrics, type Metrics, type RequestOutcome } from './metrics.ts'

// Health
export { checkReadiness, sqlitePoolCheck, passwordHashingCheck, type ReadinessCheck } from './health.ts'

// Runtime events
export { watchRuntimeEvents } from './runtime-events.ts'
