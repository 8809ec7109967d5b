import { createRouter, createWebHistory } from 'vue-router'
import { onPasswordChangeRequired, onUnauthorized } from './api.js'
import { addModuleMessages } from './i18n/index.js'
import { clearSession, hasAnyRole, mustChangePassword, requirePasswordChange, restoreSession, session } from './session.js'

const routes = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./pages/login/LoginPage.vue'),
    meta: { public: true },
  },
  {
    path: '/',
    name: 'shell',
    component: () => import('./layout/AppLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./pages/home/HomePage.vue') },
      {
        path: 'account/password',
        name: 'password',
        component: () => import('./pages/account/PasswordPage.vue'),
      },
      {
        path: 'account/tokens',
        name: 'tokens',
        component: () => import('./pages/account/TokensPage.vue'),
      },
      // every module's pages (src/modules/<d>/index.js) join here: loadModules()
    ],
  },
  // until then any other path waits here for them (the guard loads them, then goes on)
  { path: '/:pathMatch(.*)*', name: 'beforeModules' },
]

// A new page opens at its top; Back and Forward return to where the user was (#13 item 5).
export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (to, from, saved) => (saved ? whenTall(saved) : { top: 0 }),
})

// The web modules (their routes, messages and menu icons) load with the first signed-in page,
// not with the login page, which stays light (#13 item 7). Their routes join the shell's.
let modulesLoaded = null
function loadModules() {
  modulesLoaded ||= import('./modules/index.js').then(({ modules }) => {
    addModuleMessages(modules)
    for (const route of modules.flatMap((m) => m.routes)) router.addRoute('shell', route)
    router.removeRoute('beforeModules')
    router.addRoute({ path: '/:pathMatch(.*)*', redirect: '/' })
  }, (err) => {
    modulesLoaded = null // a failed download is tried again on the next navigation
    throw err
  })
  return modulesLoaded
}

// A page draws its list once its data has come, after the router would scroll: wait (at
// most 2 s) until the page is tall enough to return to the saved position.
function whenTall(saved) {
  const until = performance.now() + 2000
  return new Promise((resolve) => {
    const check = () => {
      const tall = document.documentElement.scrollHeight >= saved.top + window.innerHeight
      if (tall || performance.now() > until) resolve(saved)
      else requestAnimationFrame(check)
    }
    check()
  })
}

// Only same-site paths are followed after login ("//host" would leave the site).
export function safeRedirect(target) {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') ? target : '/'
}

router.beforeEach(async (to) => {
  await restoreSession()
  if (to.meta.public) {
    return session.user && to.name === 'login' ? safeRedirect(to.query.redirect) : true
  }
  if (!session.user) return { name: 'login', query: { redirect: to.fullPath } }
  if (router.hasRoute('beforeModules')) {
    await loadModules()
    return to.fullPath // matched again, now against the modules' routes
  }
  if (mustChangePassword() && to.name !== 'password') return passwordFirst(to)
  if (!to.matched.every((r) => hasAnyRole(r.meta.roles))) return { name: 'home' }
  return true
})

// The forced password change keeps where the user was going, to go on there after it.
function passwordFirst(to) {
  return { name: 'password', query: to.name === 'home' ? {} : { redirect: to.fullPath } }
}

// Session expired or revoked while the page was open: back to login, then back here.
onUnauthorized(() => {
  clearSession()
  const current = router.currentRoute.value
  if (!current.meta.public) router.replace({ name: 'login', query: { redirect: current.fullPath } })
})

// The server says the password must be changed first (reset by the secadmin meanwhile).
onPasswordChangeRequired(() => {
  requirePasswordChange()
  const current = router.currentRoute.value
  if (!current.meta.public && current.name !== 'password') router.replace(passwordFirst(current))
})
