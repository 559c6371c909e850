/**
 * The workspace's test hook, `window.__workspace`: browser tests set and read the editor's text
 * without typing and see what Monaco shows. One definition for the workspace and the e2e tests,
 * with no imports, so the tests can type-check against it without the site's build setup.
 */
export interface WorkspaceTestHook {
  setCode(text: string): void
  getCode(): string
  /** The compile errors from the server shown as editor markers. */
  serverMarkers(): { line: number; column: number; message: string }[]
  /** What the two sides of the open comparison show, or null when it is closed. */
  comparison(): { original: string; modified: string } | null
  /** The file the editor shows: app.ts, or app.test.ts / app.ts in a test-writing exercise. */
  shownFile(): string
  /** The editor's TypeScript diagnostics on the learner's file. */
  typeMarkers(): { line: number; message: string }[]
}

declare global {
  interface Window {
    __workspace?: WorkspaceTestHook
  }
}
