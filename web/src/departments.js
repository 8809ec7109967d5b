import { api } from './api.js'

// GET /departments returns the caller's agency as a flat list; the UI shows it as a tree.
export async function fetchDepartments() {
  const data = await api.get('/departments')
  return data.items
}

export function buildTree(items) {
  const byId = new Map(items.map((d) => [d.id, { ...d, children: [] }]))
  const roots = []
  for (const node of byId.values()) {
    const parent = node.parent_id == null ? null : byId.get(node.parent_id)
    ;(parent ? parent.children : roots).push(node)
  }
  const sort = (nodes) => {
    nodes.sort((a, b) => a.sort_order - b.sort_order || a.id - b.id)
    for (const n of nodes) {
      if (n.children.length) sort(n.children)
      else delete n.children
    }
    return nodes
  }
  return sort(roots)
}

// Ids of a node and everything below it: a department cannot move under itself.
export function subtreeIds(items, id) {
  const ids = new Set([id])
  let grew = true
  while (grew) {
    grew = false
    for (const d of items) {
      if (!ids.has(d.id) && ids.has(d.parent_id)) {
        ids.add(d.id)
        grew = true
      }
    }
  }
  return ids
}
