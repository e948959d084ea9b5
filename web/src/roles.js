// Who lands where and who may open what. The server decides what each role may read and change;
// this only keeps the navigation to what the role can use.
export const ROLES = ['city_admin', 'unit_admin', 'branch_secretary', 'street_coordinator', 'community_coordinator', 'volunteer']

const HOMES = {
  city_admin: '/city',
  unit_admin: '/unit',
  branch_secretary: '/branch',
  street_coordinator: '/area',
  community_coordinator: '/area',
  volunteer: '/my/shifts',
}

/** The path a role lands on after login. */
export function homeFor(role) {
  return HOMES[role] || '/login'
}

// Navigation entries: route name, label key, icon name, roles.
export const NAV_ITEMS = [
  { name: 'city-dashboard', label: 'nav.cityDashboard', icon: 'DataLine', roles: ['city_admin'] },
  { name: 'unit-home', label: 'nav.unitHome', icon: 'OfficeBuilding', roles: ['unit_admin'] },
  { name: 'branch-home', label: 'nav.branchHome', icon: 'Flag', roles: ['branch_secretary'] },
  { name: 'area-home', label: 'nav.areaHome', icon: 'Location', roles: ['street_coordinator', 'community_coordinator'] },
  { name: 'my-shifts', label: 'nav.myShifts', icon: 'Calendar', roles: ['volunteer'] },
  { name: 'my-availability', label: 'nav.myAvailability', icon: 'Clock', roles: ['volunteer'] },
  { name: 'requests', label: 'nav.requests', icon: 'Bell', roles: ['city_admin', 'unit_admin'] },
  { name: 'request-new', label: 'nav.newRequest', icon: 'CirclePlus', roles: ['street_coordinator', 'community_coordinator', 'city_admin'] },
  { name: 'sites', label: 'nav.sites', icon: 'Place', roles: ['street_coordinator', 'community_coordinator'] },
  { name: 'regions', label: 'nav.regions', icon: 'MapLocation', roles: ['city_admin'] },
  { name: 'organisations', label: 'nav.organisations', icon: 'School', roles: ['city_admin', 'unit_admin'] },
  { name: 'members', label: 'nav.members', icon: 'User', roles: ['city_admin', 'unit_admin', 'branch_secretary'] },
  { name: 'pairings', label: 'nav.pairings', icon: 'Connection', roles: ['city_admin', 'unit_admin', 'street_coordinator', 'community_coordinator'] },
  { name: 'import', label: 'nav.import', icon: 'Upload', roles: ['city_admin', 'unit_admin'] },
  { name: 'activities', label: 'nav.activities', icon: 'Notebook', roles: ['unit_admin', 'city_admin', 'street_coordinator', 'community_coordinator'] },
  { name: 'dispatch', label: 'nav.dispatch', icon: 'Guide', roles: ['unit_admin', 'city_admin'] },
  { name: 'batches', label: 'nav.batches', icon: 'Van', roles: ['unit_admin', 'city_admin'] },
  { name: 'funds', label: 'nav.funds', icon: 'Wallet', roles: ['city_admin', 'unit_admin'] },
  { name: 'supervision', label: 'nav.supervision', icon: 'View', roles: ['city_admin'] },
  { name: 'users', label: 'nav.users', icon: 'Key', roles: ['city_admin'] },
]

/** The navigation entries a role sees, in order. */
export function navFor(role) {
  return NAV_ITEMS.filter((item) => item.roles.includes(role))
}

/** Whether a route (with meta.roles; none means any signed-in user) is open to a role. */
export function mayOpen(route, role) {
  const roles = route && route.meta && route.meta.roles
  return !roles || roles.includes(role)
}
