import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { subscribeEvents, LIVE_EVENTS } from '../src/api/events.js'

// A stand-in EventSource: tests open, fail and feed it by hand.
class FakeSource {
  static made = []
  constructor(url, init) {
    this.url = url
    this.init = init
    this.readyState = 0
    this.listeners = {}
    this.closed = false
    FakeSource.made.push(this)
  }
  addEventListener(name, fn) {
    ;(this.listeners[name] ||= []).push(fn)
  }
  emit(name, data) {
    for (const fn of this.listeners[name] || []) fn({ data })
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
}

beforeEach(() => {
  FakeSource.made = []
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('event stream', () => {
  it('passes named events with their JSON payloads', () => {
    const seen = []
    subscribeEvents({ EventSourceImpl: FakeSource, onEvent: (name, data) => seen.push([name, data]) })
    const source = FakeSource.made[0]
    expect(source.url).toBe('/api/v1/events')
    expect(source.init).toEqual({ withCredentials: true })
    source.emit('checkin', '{"shift_id":2}')
    source.emit('mode_changed', 'plain')
    expect(seen).toEqual([['checkin', { shift_id: 2 }], ['mode_changed', 'plain']])
    expect(LIVE_EVENTS).toContain('stats_changed')
  })

  it('opens a new source with a growing delay when the browser gives up, and resets on success', () => {
    const states = []
    subscribeEvents({ EventSourceImpl: FakeSource, onEvent: () => {}, onState: (s) => states.push(s) })
    const first = FakeSource.made[0]
    first.readyState = 2
    first.onerror()
    expect(first.closed).toBe(true)
    expect(states.at(-1)).toBe('retrying')
    vi.advanceTimersByTime(999)
    expect(FakeSource.made).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeSource.made).toHaveLength(2)
    const second = FakeSource.made[1]
    second.readyState = 2
    second.onerror()
    vi.advanceTimersByTime(1999)
    expect(FakeSource.made).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeSource.made).toHaveLength(3)
    FakeSource.made[2].onopen()
    expect(states.at(-1)).toBe('open')
  })

  it('leaves reconnection to the browser while the source is still connecting', () => {
    subscribeEvents({ EventSourceImpl: FakeSource, onEvent: () => {} })
    const source = FakeSource.made[0]
    source.readyState = 0
    source.onerror()
    vi.advanceTimersByTime(60000)
    expect(FakeSource.made).toHaveLength(1)
  })

  it('stops for good when closed', () => {
    const stop = subscribeEvents({ EventSourceImpl: FakeSource, onEvent: () => {} })
    const source = FakeSource.made[0]
    stop()
    expect(source.closed).toBe(true)
    source.onerror()
    vi.advanceTimersByTime(60000)
    expect(FakeSource.made).toHaveLength(1)
  })
})
