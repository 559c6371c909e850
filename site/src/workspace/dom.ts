/**
 * The two DOM helpers every workspace panel uses: find a part of the workspace's markup
 * (components/Workspace.astro) by its `data-ws` name, and build an element in one call.
 */

/** The element with `data-ws="<name>"` inside `root`; throws when the markup lacks it. */
export function part<T extends HTMLElement = HTMLElement>(root: ParentNode, name: string): T {
  const element = root.querySelector<T>(`[data-ws="${name}"]`)
  if (!element) throw new Error(`workspace markup has no [data-ws="${name}"]`)
  return element
}

/**
 * Builds an element; attributes whose value is undefined are left out.
 *
 * @example
 * h('p', { class: 'muted' }, 'text', h('code', {}, 'c.json()'))
 */
export function h(tag: string, attributes: Record<string, string | undefined> = {}, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value)
  element.append(...children)
  return element
}
