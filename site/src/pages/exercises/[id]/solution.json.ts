/**
 * `/exercises/<id>/solution.json`: one exercise's reference solution (exercises/<id>/solution.ts)
 * as a static file, written only when the site is built with `SOLUTIONS=always`: under the
 * default (after-attempt) and `never`, solutions reach the browser only through the server's
 * `GET /api/sessions/:id/solution`, which enforces the policy. The workspace uses that endpoint.
 */
import type { APIRoute, GetStaticPaths } from 'astro'
import { loadCourse, lessonsInOrder } from '../../../course'
import type { SolutionFile } from '../../../workspace/api'

/** exercises/<id>/solution.ts as text, by id; read lazily so only used exercises are loaded. */
const solutionFiles = Object.fromEntries(
  Object.entries(import.meta.glob<string>('../../../../../exercises/*/solution.ts', { query: '?raw', import: 'default' })).map(([path, load]) => [
    path.split('/').at(-2)!,
    load,
  ]),
)

export const getStaticPaths = (async () => {
  if (process.env.SOLUTIONS !== 'always') return []
  const used = new Set(lessonsInOrder(await loadCourse()).flatMap((lesson) => lesson.entry.data.exercise ?? []))
  return [...used].filter((id) => id in solutionFiles).map((id) => ({ params: { id } }))
}) satisfies GetStaticPaths

export const GET: APIRoute = async ({ params }) => {
  const id = params.id!
  const body: SolutionFile = { exerciseId: id, file: 'solution.ts', code: await solutionFiles[id]!() }
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=utf-8' } })
}
