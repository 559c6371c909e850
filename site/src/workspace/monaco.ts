/**
 * A slim Monaco: the editor API, its standard contributions (find, suggest, hover...) and
 * TypeScript only. `import 'monaco-editor'` would also bundle ~80 other languages and the CSS,
 * HTML and JSON workers (a 4.4 MB chunk and minutes of build time) that learners never use.
 * The contribution list is monaco-editor's own (internal/common/workers.js, which its
 * TypeScript mode imports anyway), so it follows upgrades.
 */
import 'monaco-editor/internal/common/workers'
import 'monaco-editor/languages/definitions/typescript/register'

export * from 'monaco-editor/editor/editor.api'
export * as typescript from 'monaco-editor/languages/features/typescript/register'
