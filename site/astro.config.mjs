// The learning site: static pages built from lessons/ into site/dist, which the sandbox server
// serves. `npm run dev` previews it live and proxies /api to a running `npm start`.
import { defineConfig } from 'astro/config'

/**
 * Monaco's ~130 CSS files become styles its own chunk injects when it loads. As plain CSS
 * imports, Astro would also link them from every lesson page (a 175 KB render-blocking
 * stylesheet for an editor that loads only when the learner reaches the exercise).
 */
function monacoStylesOnDemand() {
  const prefix = '\0monaco-style:'
  return {
    name: 'monaco-styles-on-demand',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!source.endsWith('.css') || !importer?.includes('/monaco-editor/esm/')) return null
      const resolved = await this.resolve(source, importer, { skipSelf: true })
      // Not ending in .css, or Vite's CSS plugin would take this module for a stylesheet.
      return resolved && `${prefix}${resolved.id}.js`
    },
    load(id) {
      if (!id.startsWith(prefix)) return null
      const file = JSON.stringify(`${id.slice(prefix.length, -'.js'.length)}?inline`)
      return `import css from ${file}\nconst style = document.createElement('style')\nstyle.textContent = css\ndocument.head.append(style)\n`
    },
  }
}

export default defineConfig({
  srcDir: './src',
  outDir: './dist',
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  markdown: {
    // github-light's orange (3.5:1) and github-dark's comments (3:1) fail WCAG AA contrast (axe-core
    // flags them); the -default themes pass.
    shikiConfig: { themes: { light: 'github-light-default', dark: 'github-dark-default' } },
  },
  vite: {
    plugins: [monacoStylesOnDemand()],
    server: {
      proxy: { '/api': process.env.SANDBOX_URL ?? 'http://localhost:3000' },
      fs: { allow: ['..'] },
    },
    worker: { format: 'es' },
  },
})
