import { defineStore } from 'pinia'
import { api } from '../api/index.js'

export const useModeStore = defineStore('mode', {
  state: () => ({ mode: null, since: null, reason: '', loading: false }),
  getters: {
    emergency: (state) => state.mode === 'emergency',
  },
  actions: {
    async load() {
      this.loading = true
      try {
        const answer = await api.get('/api/v1/mode')
        this.mode = answer.mode
        this.since = answer.since
        this.reason = answer.reason || ''
      } finally {
        this.loading = false
      }
    },
    /** Switches the city's mode (city administrators); `reason` is required by the record. */
    async change(mode, reason) {
      const answer = await api.put('/api/v1/mode', { mode, reason })
      this.mode = answer.mode
      this.since = answer.since
      this.reason = answer.reason || reason
      return answer
    },
  },
})
