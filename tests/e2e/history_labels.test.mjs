// The web modules' history declarations (src/modules/<d>/index.js `history`, read by
// web/src/audit.js) are complete: every label they name exists in both languages, every
// format is known, and every action the server writes to the audit log (each aud_record()
// call in src/ with a literal action) has a label for its entity. Plain node, no browser and
// no server, like web_modules.test.mjs:
//
//   node --test tests/e2e/history_labels.test.mjs
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { modules } from '../../web/src/modules/index.js'
import { mergeCatalogue } from '../../web/src/i18n/merge.js'
import sharedZhCN from '../../web/src/i18n/zh-CN.js'
import sharedEn from '../../web/src/i18n/en.js'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))
const catalogues = {
  'zh-CN': mergeCatalogue('zh-CN', sharedZhCN, modules),
  en: mergeCatalogue('en', sharedEn, modules),
}
const FORMATS = ['text', 'ref', 'refs', 'bool', 'time', 'date', 'fen', 'minutes', 'id', 'roles']
const declared = modules.flatMap((m) => (m.history ?? []).map((h) => ({ ...h, module: m.name })))

const lookup = (tree, dotted) => dotted.split('.').reduce((node, part) => node?.[part], tree)

function assertText(key, where) {
  for (const [lang, messages] of Object.entries(catalogues)) {
    const text = lookup(messages, key)
    assert.ok(typeof text === 'string' && text.trim(), `${where}: ${lang} has no text for ${key}`)
  }
}

test('each entity is declared once, with its label, actions and fields in both languages', () => {
  const seen = new Map()
  for (const h of declared) {
    const where = `${h.module}: ${h.entity}`
    assert.ok(!seen.has(h.entity), `${where}: also declared by ${seen.get(h.entity)}`)
    seen.set(h.entity, h.module)
    assertText(h.label, where)
    for (const [code, key] of Object.entries(h.actions ?? {})) assertText(key, `${where} action ${code}`)
    for (const [field, decl] of Object.entries(h.fields ?? {})) {
      if (decl === null) continue
      const [label, format = 'text'] = decl
      assertText(label, `${where}.${field}`)
      if (typeof format === 'function') continue
      if (format.startsWith('enum:')) {
        for (const [lang, messages] of Object.entries(catalogues)) {
          const labels = lookup(messages, format.slice(5))
          assert.ok(labels && typeof labels === 'object', `${where}.${field}: ${lang} has no ${format.slice(5)}`)
        }
      } else {
        assert.ok(FORMATS.includes(format), `${where}.${field}: unknown format ${format}`)
      }
    }
  }
})

function cFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? cFiles(`${dir}${d.name}/`) : d.name.endsWith('.c') ? [`${dir}${d.name}`] : [],
  )
}

// The arguments of each call of fn in text, split at the call's top-level commas.
function calls(text, fn) {
  const out = []
  const re = new RegExp(`\\b${fn}\\(`, 'g')
  for (let m; (m = re.exec(text)); ) {
    const args = []
    let depth = 0
    let arg = ''
    for (let i = m.index + m[0].length; i < text.length; i++) {
      const c = text[i]
      if (c === '(') depth++
      if (c === ')' && depth-- === 0) break
      if (c === ',' && depth === 0) {
        args.push(arg.trim())
        arg = ''
      } else arg += c
    }
    args.push(arg.trim())
    out.push(args)
  }
  return out
}

test('every action the server audits has a label for its entity', () => {
  const byEntity = new Map(declared.map((h) => [h.entity, h]))
  const literals = (expr) => [...expr.matchAll(/"([a-z_]+)"/g)].map((m) => m[1])
  let checked = 0
  for (const file of cFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    const found = [
      ...calls(text, 'aud_record').map((a) => [a[2], a[3]]),
      ...calls(text, 'aud_record_raw').map((a) => [a[4], a[5]]),
    ]
    for (const [action, entity] of found) {
      const [code] = literals(entity ?? '')
      if (!code) continue // the declaration itself, or an entity passed in a variable
      const h = byEntity.get(code)
      assert.ok(h, `${file}: entity ${code} is declared by no web module`)
      for (const a of literals(action)) {
        assert.ok(h.actions?.[a], `${file}: ${code} action ${a} has no label`)
        checked++
      }
    }
  }
  assert.ok(checked > 30, `found ${checked} audited actions in src/`)
})
