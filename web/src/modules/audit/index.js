// 审计日志 (supervisor: the whole agency; auditor: the admins' logs), in 系统管理.
// Server side: src/modules/audit/. The action and entity labels (messages audit.*) are also
// used by the shared src/audit.js, components/AuditDiff.vue and components/EntityHistory.vue.
import { Notebook } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import messages from './messages.js'

const menu = [{ key: 'audit', group: 'admin', path: '/admin/audit', icon: Notebook, roles: ['supervisor', 'auditor'] }]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'admin/audit',
    name: 'audit',
    component: () => import('./AuditPage.vue'),
    meta: { roles: rolesOf('audit') },
  },
]

// 变更记录 and 审计日志 (src/audit.js): the entities the core itself audits (the chain, its
// checkpoints, attachments); key of before/after → [label key, format].
const F = 'audit.hist.f.'
// an attachment's owner { entity, id }: 报修工单 #12
const owner = (v, { entity }) => `${entity(v.entity)} #${v.id}`

const history = [
  {
    entity: 'attachment',
    label: 'audit.hist.attachment',
    actions: {
      create: 'audit.hist.upload',
      attach: 'audit.hist.attach',
      expire: 'audit.hist.expire',
      sweep: 'audit.hist.sweep',
    },
    fields: {
      filename: [`${F}filename`],
      kind: [`${F}kind`],
      mime: [`${F}mime`],
      size: [`${F}size`],
      owner: [`${F}owner`, owner],
      created_by: [`${F}createdBy`, 'id'],
      url: null,
      count: [`${F}count`],
      bytes: [`${F}bytes`],
      ids: [`${F}ids`],
      dir: [`${F}dir`],
    },
  },
  {
    entity: 'audit_checkpoint',
    label: 'audit.hist.audit_checkpoint',
    actions: { checkpoint: 'audit.hist.checkpoint' },
    fields: { head_id: [`${F}headId`, 'id'], head_hash: [`${F}headHash`], chains: [`${F}chains`] },
  },
  {
    entity: 'audit',
    label: 'audit.hist.audit',
    actions: { audit_keyed: 'audit.hist.audit_keyed' },
    fields: { public_key: [`${F}publicKey`] },
  },
]

export default { name: 'audit', routes, menu, messages, history }
