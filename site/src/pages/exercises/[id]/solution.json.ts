/**
 * `/exercises/<id>/solution.json`: one exercise's reference solution (exercises/<id>/solution.ts),
 * written as a static file at build time for every exercise a lesson uses. The workspace fetches
 * it only when the learner asks to compare, after a first check run; the server's API has no
 * solution endpoint, so this file is the one way it reaches the browser.
 */
import type { APIRoute, GetStaticPaths } from 'astro'
import { loadCourse, lessonsInOrder } from '../../../course'

/** exercises/<id>/solution.ts as text, by id; read lazily so only used exercises are loaded. */
const solutionFiles = Object.fromEntries(
  Object.entries(import.meta.glob<string>('../../../../../exercises/*/solution.ts', { query: '?raw', import: 'default' })).map(([path, load]) => [
    path.split('/').at(-2)!,
    load,
  ]),
)

export const getStaticPaths = (async () => {
  const used = new Set(lessonsInOrder(await loadCourse()).flatMap((lesson) => lesson.entry.data.exercise ?? []))
  return [...used].filter((id) => id in solutionFiles).map((id) => ({ params: { id } }))
}) satisfies GetStaticPaths

/** The body the workspace reads (workspace/solution.ts). */
export interface SolutionFile {
  exerciseId: string
  /** The file it came from, relative to the exercise folder. */
  file: 'solution.ts'
  code: string
}

export const GET: APIRoute = async ({ params }) => {
  const id = params.id!
  const body: SolutionFile = { exerciseId: id, file: 'solution.ts', code: await solutionFiles[id]!() }
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=utf-8' } })
}
