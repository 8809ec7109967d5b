// Role codes of DESIGN §4; labels live in the i18n catalogue under role.<code>.
export const ROLES = [
  'staff',
  'dept_head',
  'office',
  'worker',
  'leader',
  'finance',
  'supervisor',
  'sysadmin',
  'secadmin',
  'auditor',
]
