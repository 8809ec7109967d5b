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

// The roles that file and act on business records (core/auth.h ROLE_BUSINESS); 纪检 supervisors
// and the three administrators only read them.
export const BUSINESS_ROLES = ['staff', 'dept_head', 'office', 'worker', 'leader', 'finance']
