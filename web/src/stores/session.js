import { defineStore } from 'pinia'
import { api, setCsrfToken } from '../api/index.js'

// GET /api/v1/me may answer the user itself or {user, csrf_token}; both are accepted.
function userFrom(answer) {
  if (!answer) return null
  if (answer.user && typeof answer.user === 'object') return answer.user
  return answer
}

export const useSessionStore = defineStore('session', {
  // demo: {label, from, to} when the server holds a demo city (GET /api/v1/me), else null.
  state: () => ({ user: null, checked: false, demo: null }),
  getters: {
    role: (state) => (state.user ? state.user.role : null),
    scopeId: (state) => (state.user ? state.user.scope_id : null),
    signedIn: (state) => !!state.user,
  },
  actions: {
    /** Finds out once whether the cookie still holds a session; a 401 just means "not signed in". */
    async ensureChecked() {
      if (this.checked) return this.user
      try {
        const answer = await api.get('/api/v1/me', { allowUnauthenticated: true, notify: (e) => e.status !== 401 })
        if (answer && answer.csrf_token) setCsrfToken(answer.csrf_token)
        this.user = userFrom(answer)
        this.demo = (answer && answer.demo) || null
      } catch (error) {
        this.user = null
        if (error.status !== 401) {
          this.checked = false
          throw error
        }
      }
      this.checked = true
      return this.user
    },

    /** Signs in; the caller shows the error (wrong password, rate limit) next to the form. */
    async login(username, password) {
      const answer = await api.post('/api/v1/session', { username, password }, { allowUnauthenticated: true, notify: false })
      setCsrfToken(answer.csrf_token || null)
      this.user = answer.user
      this.checked = true
      try {
        const me = await api.get('/api/v1/me', { notify: false })
        this.demo = (me && me.demo) || null
      } catch {
        this.demo = null  // the banner is a courtesy; signing in succeeded
      }
      return this.user
    },

    async logout() {
      try {
        await api.delete('/api/v1/session', { allowUnauthenticated: true })
      } finally {
        this.forget()
      }
    },

    /** Drops the local state of a session the server no longer knows. */
    forget() {
      setCsrfToken(null)
      this.user = null
      this.demo = null
      this.checked = true
    },
  },
})
