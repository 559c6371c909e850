/**
 * Course content on disk: the schemas of role and lesson frontmatter and the loader that reads
 * `lessons/` into a typed tree. Light on purpose, so the site can import it: the validator
 * (`./check-course.ts`, behind `npm run lessons:check`) grades exercises and so loads the whole
 * sandbox runtime, and the scaffolder (`./scaffold.ts`, behind `npm run lessons:new`) writes
 * files; import those directly.
 */

// Shapes
export { RoleFrontmatter, LessonFrontmatter, SLUG_PATTERN } from './schemas.ts'
export { formatProblem, formatReport, countProblems, type ContentProblem, type ProblemSeverity } from './problems.ts'

// Reading
export { parseFrontmatter, type ParsedFrontmatter } from './frontmatter.ts'
export {
  readCourse,
  loadCourse,
  InvalidCourse,
  PROJECT_ROOT,
  type Course,
  type CourseReading,
  type Role,
  type Lesson,
  type CourseDirs,
} from './lessons.ts'
