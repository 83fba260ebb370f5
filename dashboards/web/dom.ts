/** A tiny element builder: the pages are plain DOM, no framework. */
export type Child = Node | string | number | null | undefined | false | Child[]
export type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value)
    else if (name === 'class') el.className = String(value)
    else if (name === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(parent, child)
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
  }
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren()
  append(el, children)
}

/** A table from column definitions; `empty` shows in place of the body when there are no rows. */
export interface Column<T> {
  title: string
  cell: (row: T) => Child
  class?: string
}

export function table<T>(columns: Column<T>[], rows: T[], empty: string, onRow?: (row: T) => string | undefined): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty)
  return h('div', { class: 'table-wrap' },
    h('table', null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.class }, c.title)))),
      h('tbody', null, rows.map((row) => {
        const href = onRow?.(row)
        const tr = h('tr', { class: href ? 'link-row' : undefined }, columns.map((c) => h('td', { class: c.class }, c.cell(row))))
        if (href) tr.addEventListener('click', (e) => {
          if ((e.target as Element).closest('a, button, input, select')) return
          location.hash = href
        })
        return tr
      })),
    ),
  )
}

export function badge(kind: string, text: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}` }, text)
}

export function panel(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', null, title), ...children)
}
