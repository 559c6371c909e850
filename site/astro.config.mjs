// The learning site: static pages built from lessons/ into site/dist, which the sandbox server
// serves. `npm run dev` previews it live and proxies /api to a running `npm start`.
import { defineConfig } from 'astro/config'

export default defineConfig({
  srcDir: './src',
  outDir: './dist',
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  markdown: {
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } },
  },
  vite: {
    server: {
      proxy: { '/api': process.env.SANDBOX_URL ?? 'http://localhost:3000' },
      fs: { allow: ['..'] },
    },
    worker: { format: 'es' },
  },
})
