/**
 * Colours for the grader's terminal output, only where they help: on a terminal that has them
 * (Node's hasColors honours NO_COLOR, FORCE_COLOR and TERM), never in a pipe or a file.
 */
import { styleText } from 'node:util'
import type { CheckStatus } from '../grading/index.ts'

type Style = 'green' | 'red' | 'yellow' | 'gray' | 'bold' | 'cyan'
export type Paint = Record<Style, (text: string) => string>

/**
 * Colour functions for one stream: identity when it cannot show colours.
 *
 * @example
 * const paint = paintFor(process.stdout)
 * process.stdout.write(paint.green('✓ passed') + '\n')
 */
export function paintFor(stream: NodeJS.WritableStream): Paint {
  const tty = stream as NodeJS.WritableStream & { hasColors?: () => boolean }
  const enabled = typeof tty.hasColors === 'function' && tty.hasColors()
  const style = (name: Style) => (text: string) => (enabled ? styleText(name, text) : text)
  return { green: style('green'), red: style('red'), yellow: style('yellow'), gray: style('gray'), bold: style('bold'), cyan: style('cyan') }
}

/** How each check status shows in the terminal: a mark and its colour. */
export const STATUS_MARKS: Record<CheckStatus, { mark: string; color: Style }> = {
  pass: { mark: '✓', color: 'green' },
  fail: { mark: '✗', color: 'red' },
  error: { mark: '!', color: 'red' },
  timeout: { mark: '⧗', color: 'yellow' },
  limit: { mark: '▣', color: 'yellow' },
  skipped: { mark: '⏭', color: 'gray' },
}
