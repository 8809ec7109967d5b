// rolesIn(menu)('key'): the roles of one of a module's own menu entries (searching groups'
// children), for its routes' meta.roles, so a page's route and its menu entry cannot disagree
// on who may open it. An unknown key throws: a typo fails at load, not as an open door.
export function rolesIn(menu) {
  const find = (key, entries) => {
    for (const entry of entries) {
      if (entry.key === key) return entry
      const inner = entry.children && find(key, entry.children)
      if (inner) return inner
    }
    return null
  }
  return (key) => {
    const entry = find(key, menu)
    if (!entry) throw new Error(`no menu entry '${key}'`)
    return entry.roles
  }
}
