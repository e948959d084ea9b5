import { createRouter, createWebHistory } from 'vue-router'
import { useSessionStore } from '../stores/session.js'
import { homeFor, mayOpen } from '../roles.js'
import { onUnauthenticated } from '../api/index.js'
import { i18n } from '../i18n/index.js'

const CITY = ['city_admin']
const UNIT = ['unit_admin']
const AREA = ['street_coordinator', 'community_coordinator']

// meta: title (locale key), roles (absent: any signed-in user), public (no sign-in),
// layout: 'shell' (default), 'bare' (login) or 'phone' (volunteer pages).
export const routes = [
  { path: '/login', name: 'login', component: () => import('../views/LoginView.vue'), meta: { title: 'login.title', public: true, layout: 'bare' } },
  { path: '/', name: 'root', component: () => import('../views/NotFoundView.vue'), meta: {} },
  { path: '/city', name: 'city-dashboard', component: () => import('../views/city/DashboardView.vue'), meta: { title: 'nav.cityDashboard', roles: CITY } },
  { path: '/unit', name: 'unit-home', component: () => import('../views/unit/UnitHomeView.vue'), meta: { title: 'nav.unitHome', roles: UNIT } },
  { path: '/branch', name: 'branch-home', component: () => import('../views/branch/BranchHomeView.vue'), meta: { title: 'nav.branchHome', roles: ['branch_secretary'] } },
  { path: '/area', name: 'area-home', component: () => import('../views/area/AreaHomeView.vue'), meta: { title: 'nav.areaHome', roles: AREA } },
  { path: '/area/sites', name: 'sites', component: () => import('../views/area/SitesView.vue'), meta: { title: 'nav.sites', roles: [...AREA, ...CITY] } },
  { path: '/requests', name: 'requests', component: () => import('../views/requests/RequestsView.vue'), meta: { title: 'nav.requests', roles: [...CITY, ...UNIT, ...AREA] } },
  { path: '/requests/new', name: 'request-new', component: () => import('../views/requests/RequestFormView.vue'), meta: { title: 'nav.newRequest', roles: [...AREA, ...CITY] } },
  { path: '/my/shifts', name: 'my-shifts', component: () => import('../views/volunteer/MyShiftsView.vue'), meta: { title: 'nav.myShifts', roles: ['volunteer'], layout: 'phone' } },
  { path: '/my/availability', name: 'my-availability', component: () => import('../views/volunteer/AvailabilityView.vue'), meta: { title: 'nav.myAvailability', roles: ['volunteer'], layout: 'phone' } },
  { path: '/checkin', name: 'checkin', component: () => import('../views/volunteer/CheckinView.vue'), meta: { title: 'checkin.title', layout: 'phone' } },
  { path: '/registry/regions', name: 'regions', component: () => import('../views/registry/RegionsView.vue'), meta: { title: 'nav.regions', roles: CITY } },
  { path: '/registry/organisations', name: 'organisations', component: () => import('../views/registry/OrganisationsView.vue'), meta: { title: 'nav.organisations', roles: [...CITY, ...UNIT] } },
  { path: '/registry/members', name: 'members', component: () => import('../views/registry/MembersView.vue'), meta: { title: 'nav.members', roles: [...CITY, ...UNIT, 'branch_secretary'] } },
  { path: '/registry/pairings', name: 'pairings', component: () => import('../views/registry/PairingsView.vue'), meta: { title: 'nav.pairings', roles: [...CITY, ...UNIT, ...AREA] } },
  { path: '/registry/import', name: 'import', component: () => import('../views/registry/ImportView.vue'), meta: { title: 'nav.import', roles: [...CITY, ...UNIT] } },
  { path: '/activities', name: 'activities', component: () => import('../views/unit/ActivitiesView.vue'), meta: { title: 'nav.activities', roles: [...UNIT, ...CITY, ...AREA] } },
  { path: '/dispatch', name: 'dispatch', component: () => import('../views/unit/DispatchView.vue'), meta: { title: 'nav.dispatch', roles: [...UNIT, ...CITY] } },
  { path: '/batches', name: 'batches', component: () => import('../views/unit/BatchesView.vue'), meta: { title: 'nav.batches', roles: [...UNIT, ...CITY] } },
  { path: '/funds', name: 'funds', component: () => import('../views/city/FundsView.vue'), meta: { title: 'nav.funds', roles: [...CITY, ...UNIT] } },
  { path: '/supervision', name: 'supervision', component: () => import('../views/city/SupervisionView.vue'), meta: { title: 'nav.supervision', roles: CITY } },
  { path: '/admin/users', name: 'users', component: () => import('../views/admin/UsersView.vue'), meta: { title: 'nav.users', roles: CITY } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue'), meta: { title: 'notFound.title' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const session = useSessionStore()
  if (to.meta.public) {
    // A signed-in user opening the login page goes home instead.
    if (to.name === 'login') await session.ensureChecked().catch(() => null)
    if (to.name === 'login' && session.user) return homeFor(session.role)
    return true
  }
  try {
    await session.ensureChecked()
  } catch {
    // The server could not be asked (the client showed why): the login page can try again.
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (!session.user) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  if (to.name === 'root') return homeFor(session.role)
  if (!mayOpen(to, session.role)) return homeFor(session.role)
  return true
})

router.afterEach((to) => {
  const title = to.meta.title ? i18n.global.t(to.meta.title) : ''
  document.title = title ? `${title} · ${i18n.global.t('app.name')}` : i18n.global.t('app.name')
})

let redirecting = false
// Any 401 means the session is gone: forget it and go to the login page, once.
onUnauthenticated(async (error) => {
  const session = useSessionStore()
  session.forget()
  if (redirecting || router.currentRoute.value.name === 'login') return
  redirecting = true
  const here = router.currentRoute.value.fullPath
  const reason = error && error.status === 403 ? 'csrf' : '1'
  try {
    await router.push({ name: 'login', query: { redirect: here, expired: reason } })
  } finally {
    redirecting = false
  }
})
