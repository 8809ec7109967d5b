// One language's catalogue: the shared messages (this folder: app, common, errors, layout …)
// plus every web module's messages for that language, merged key by key. Two modules may not
// define the same key, nor may a module redefine a shared one, except a menu.<key> label: the
// shared catalogue keeps the labels of menu.js's placeholders, and a module that lands with
// that key brings its own. Pure (no imports) so tests/e2e/web_modules.test.mjs can use it.
export function mergeCatalogue(code, shared, modules) {
  const out = {}
  const owner = new Map() // dotted key → module name
  const put = (target, source, path, from) => {
    for (const [key, value] of Object.entries(source)) {
      const dotted = path ? `${path}.${key}` : key
      if (value && typeof value === 'object') {
        if (typeof target[key] === 'string') throw new Error(`i18n ${code}: '${dotted}' (${from}) is also a text`)
        put((target[key] ??= {}), value, dotted, from)
      } else {
        if (key in target) {
          const first = owner.get(dotted) ?? 'shared'
          throw new Error(`i18n ${code}: '${dotted}' is defined by ${first} and ${from}`)
        }
        target[key] = value
        owner.set(dotted, from)
      }
    }
  }
  for (const mod of modules) {
    const messages = mod.messages?.[code]
    if (!messages) throw new Error(`i18n: module ${mod.name} has no '${code}' messages`)
    put(out, messages, '', `module ${mod.name}`)
  }
  const { menu = {}, ...rest } = shared
  put(out, rest, '', 'shared')
  out.menu ??= {}
  for (const [key, label] of Object.entries(menu)) out.menu[key] ??= label
  return out
}
