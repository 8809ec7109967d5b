// The label of an approval kind in the reader's language: each web module names its kinds under
// approval.kinds.<kind> in its own messages.js (报销 in budget, 用车申请 in vehicles); the
// server's label (Chinese, from the kind's registration) when a module has none.
import { t } from '../../i18n/index.js'

export function kindLabel(kind, serverLabel) {
  const key = `approval.kinds.${kind}`
  const text = t(key)
  return text === key ? serverLabel || kind : text
}
