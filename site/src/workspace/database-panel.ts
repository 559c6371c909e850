/**
 * The database panel: every table of the learner's database, a page of rows at a time, with
 * Previous and Next under each table that has more rows than a page. The page each table is on
 * is kept across refreshes (a request that adds a row does not send the learner back to page 1).
 */
import { sandboxApi, type RowsPage } from './api'
import { h, part } from './dom'
import type { SandboxSession } from './session'

/** Rows on one page of a table. */
export const ROWS_PER_PAGE = 50

export interface DatabasePanelOptions {
  root: HTMLElement
  session: SandboxSession
  /** Shows a failure inside the panel, the way the rest of the workspace does. */
  onError: (error: unknown, target: HTMLElement) => void
}

function cell(value: unknown): HTMLElement {
  if (value === null) return h('td', { class: 'null' }, 'NULL')
  return h('td', {}, typeof value === 'object' ? JSON.stringify(value) : String(value))
}

/**
 * @example
 * const database = createDatabasePanel({ root, session, onError: (error, target) => showFailure(error, target, 'Reading the database') })
 * await database.refresh()
 */
export function createDatabasePanel({ root, session, onError }: DatabasePanelOptions) {
  const target = part(root, 'db')
  /** The first row shown, per table. */
  const offsets = new Map<string, number>()
  /** Counts page turns: a refresh that started before one does not paint over its page. */
  let turns = 0

  async function readPage(id: string, table: string): Promise<RowsPage> {
    const offset = offsets.get(table) ?? 0
    const page = await sandboxApi.rows(id, table, ROWS_PER_PAGE, offset)
    // The table shrank under the page shown: go back to its first page.
    if (page.rows.length === 0 && offset > 0) {
      offsets.set(table, 0)
      return sandboxApi.rows(id, table, ROWS_PER_PAGE, 0)
    }
    return page
  }

  /** One table and, when it has more rows than a page, its pager. */
  function renderTable(page: RowsPage): HTMLElement {
    const { offset } = page
    const first = page.rows.length === 0 ? 0 : offset + 1
    const last = offset + page.rows.length
    const table = h('table', { 'data-table': page.table })
    const shown = page.total > page.rows.length ? `, ${first}–${last} shown` : ''
    table.append(h('caption', {}, `${page.table} (${page.total} ${page.total === 1 ? 'row' : 'rows'}${shown})`))
    table.append(h('thead', {}, h('tr', {}, ...page.columns.map((column) => h('th', { scope: 'col' }, column)))))
    table.append(h('tbody', {}, ...page.rows.map((row) => h('tr', {}, ...row.map(cell)))))
    const wrap = h('div', { class: 'ws-table-wrap', 'data-db-table': page.table }, table)
    if (page.total <= ROWS_PER_PAGE) return wrap
    const pager = h('div', { class: 'ws-db-pager', role: 'group', 'aria-label': `Pages of ${page.table}` })
    const button = (label: string, to: number, enabled: boolean) => {
      const element = h('button', { type: 'button', 'data-page': label.toLowerCase() }, label) as HTMLButtonElement
      element.disabled = !enabled
      element.addEventListener('click', () => void turnPage(page.table, to, label.toLowerCase()))
      return element
    }
    pager.append(
      button('Previous', Math.max(offset - ROWS_PER_PAGE, 0), offset > 0),
      h('span', { class: 'muted' }, `rows ${first}–${last} of ${page.total}`),
      button('Next', offset + ROWS_PER_PAGE, last < page.total),
    )
    wrap.append(pager)
    return wrap
  }

  /** Shows another page of one table; the focus stays on the pager. */
  async function turnPage(table: string, offset: number, pressed: string) {
    offsets.set(table, offset)
    const turn = ++turns
    try {
      const page = await session.run((id) => readPage(id, table), { withCode: false })
      // Pressed again meanwhile: the later page is the one to show.
      if (turn !== turns) return
      const old = target.querySelector(`[data-db-table="${CSS.escape(table)}"]`)
      const fresh = renderTable(page)
      old?.replaceWith(fresh)
      const buttons = [...fresh.querySelectorAll<HTMLButtonElement>('.ws-db-pager button')]
      ;(buttons.find((each) => each.dataset.page === pressed && !each.disabled) ?? buttons.find((each) => !each.disabled))?.focus()
    } catch (error) {
      onError(error, target)
    }
  }

  async function refresh() {
    const turnsBefore = turns
    try {
      const pages = await session.run(
        async (id) => {
          const { tables } = await sandboxApi.tables(id)
          return Promise.all(tables.map((table) => readPage(id, table.name)))
        },
        { withCode: false },
      )
      // A page was turned while this read the tables: its rows are newer than these.
      if (turns !== turnsBefore) return
      if (pages.length === 0) return target.replaceChildren(h('p', { class: 'muted' }, 'Your database has no tables yet.'))
      target.replaceChildren(...pages.map(renderTable))
    } catch (error) {
      onError(error, target)
    }
  }

  return { refresh }
}
