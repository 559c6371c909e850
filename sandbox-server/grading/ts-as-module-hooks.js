/**
 * A module resolve hook for the check thread: a `.ts` file outside node_modules is an ES module,
 * whatever the nearest package.json says.
 */
/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  const { protocol, pathname } = new URL(resolved.url)
  if (protocol === 'file:' && pathname.endsWith('.ts') && !pathname.includes('/node_modules/')) return { ...resolved, format: 'module' }
  return resolved
}
