// The location tree (GET /locations → {"items":[building…]}, each node with
// "children") as the pages use it: leaves lose their empty children arrays (so
// el-table shows no expand arrow), and a flat depth-first list for pickers.
import { api } from '../../api.js'

// The child kind each kind takes, and the parent kind each kind needs.
export const CHILD_KIND = { building: 'floor', floor: 'room', room: null }
export const PARENT_KIND = { building: null, floor: 'building', room: 'floor' }

function prune(nodes) {
  for (const node of nodes) {
    if (node.children?.length) prune(node.children)
    else delete node.children
  }
  return nodes
}

export async function fetchLocationTree({ activeOnly = false } = {}) {
  const data = await api.get('/locations', { query: activeOnly ? { active: 1 } : {} })
  return prune(data.items)
}

// Depth-first, parents before children (the server's order).
export function flattenTree(nodes, out = []) {
  for (const node of nodes) {
    out.push(node)
    if (node.children) flattenTree(node.children, out)
  }
  return out
}

export function findNode(nodes, id) {
  return flattenTree(nodes).find((node) => node.id === id) || null
}

// The QR label image of a node (an SVG the server draws for the request's host).
export const qrUrl = (id) => `/api/v1/locations/${id}/qr.svg`
// What the QR code opens: the phone form of 报修 with the location filled in.
export const reportUrl = (id) => `${window.location.origin}/m/report?location=${id}`
