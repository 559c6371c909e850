/**
 * The course in reading order, for pages: roles by `order`, each with its lessons by `order`,
 * with the URLs every page links to. Slugs are folder names without their number prefix.
 */
import { getCollection, type CollectionEntry } from 'astro:content'

export type RoleEntry = CollectionEntry<'roles'>
export type LessonEntry = CollectionEntry<'lessons'>

export interface CourseLesson {
  entry: LessonEntry
  /** "database-whisperer/rows-in-rows-out": also the key of its progress in localStorage. */
  key: string
  slug: string
  url: string
  title: string
}

export interface CourseRole {
  entry: RoleEntry
  slug: string
  url: string
  title: string
  lessons: CourseLesson[]
}

/** "03-database-whisperer" -> "database-whisperer" */
export function withoutNumber(folder: string): string {
  return folder.replace(/^\d+-/, '')
}

export const roleUrl = (roleSlug: string) => `/roles/${roleSlug}/`
export const lessonUrl = (roleSlug: string, lessonSlug: string) => `/roles/${roleSlug}/${lessonSlug}/`

/** All roles in path order with their lessons in order. */
export async function loadCourse(): Promise<CourseRole[]> {
  const [roles, lessons] = await Promise.all([getCollection('roles'), getCollection('lessons')])
  return roles
    .toSorted((a, b) => a.data.order - b.data.order || a.id.localeCompare(b.id))
    .map((entry) => {
      const slug = withoutNumber(entry.id)
      const own = lessons
        .filter((lesson) => lesson.id.split('/')[0] === entry.id)
        .toSorted((a, b) => a.data.order - b.data.order || a.id.localeCompare(b.id))
        .map((lesson) => {
          const lessonSlug = withoutNumber(lesson.id.split('/')[1]!)
          return { entry: lesson, key: `${slug}/${lessonSlug}`, slug: lessonSlug, url: lessonUrl(slug, lessonSlug), title: lesson.data.title }
        })
      return { entry, slug, url: roleUrl(slug), title: entry.data.title, lessons: own }
    })
}

/** Every lesson of the course in reading order, across roles. */
export function lessonsInOrder(course: CourseRole[]): CourseLesson[] {
  return course.flatMap((role) => role.lessons)
}
