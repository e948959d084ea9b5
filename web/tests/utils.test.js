import { describe, expect, it } from 'vitest'
import { addDays, formatDateTime, formatEnd, shanghaiDate, shanghaiInstant, formatCountdown } from '../src/utils/time.js'
import { formatFen, maskPhone, yuanToFen } from '../src/utils/format.js'
import { groupPairings, nameRows, rowsFromAnswer } from '../src/utils/pairings.js'
import { fillDays, topByPersonTimes, rowName } from '../src/utils/stats.js'
import { homeFor, navFor, mayOpen } from '../src/roles.js'
import { requestTotals } from '../src/utils/domain.js'
import { notifyUnlessField } from '../src/composables/useFieldErrors.js'

describe('time in Asia/Shanghai', () => {
  it('shows instants in Shanghai whatever their offset', () => {
    expect(formatDateTime('2022-01-11T14:00:00Z', 'zh-CN')).toContain('22:00')
    expect(formatDateTime('2022-01-11T22:00:00+08:00', 'en')).toContain('22:00')
    expect(formatDateTime('', 'zh-CN')).toBe('')
  })
  it('finds the Shanghai date of an instant', () => {
    expect(shanghaiDate(new Date('2022-01-11T16:30:00Z'))).toBe('2022-01-12')
    expect(shanghaiDate(new Date('2022-01-11T15:59:00Z'))).toBe('2022-01-11')
  })
  it('adds days across months and years', () => {
    expect(addDays('2022-01-31', 1)).toBe('2022-02-01')
    expect(addDays('2022-01-01', -1)).toBe('2021-12-31')
  })
  it('writes wall-clock times with the +08:00 offset', () => {
    expect(shanghaiInstant('2022-01-12T08:00')).toBe('2022-01-12T08:00:00+08:00')
    expect(shanghaiInstant('2022-01-12T08:00:30')).toBe('2022-01-12T08:00:30+08:00')
  })
  it('gives a shift\'s end its date only when it falls on another day in Shanghai', () => {
    expect(formatEnd('2022-01-12T08:00:00+08:00', '2022-01-12T12:00:00+08:00', 'zh-CN')).toBe('12:00')
    // 20:00 to 02:00 crosses midnight in Shanghai (12:00 to 18:00 UTC does not cross it in UTC).
    expect(formatEnd('2022-01-12T20:00:00+08:00', '2022-01-13T02:00:00+08:00', 'zh-CN')).toBe('1月13日 02:00')
    expect(formatEnd('2022-01-12T12:00:00Z', '2022-01-12T18:00:00Z', 'en')).toMatch(/^Jan 13, 02:00$/)
    expect(formatEnd('2022-01-12T15:00:00+08:00', '2022-01-12T23:59:00+08:00', 'en')).toBe('23:59')
    expect(formatEnd('2022-01-12T08:00:00+08:00', '', 'zh-CN')).toBe('')
  })
  it('formats countdowns', () => {
    expect(formatCountdown(65)).toBe('1:05')
    expect(formatCountdown(3725)).toBe('1:02:05')
  })
})

describe('formats', () => {
  it('masks whole phones and keeps masked ones', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('138****5678')).toBe('138****5678')
  })
  it('converts yuan and fen without floating point', () => {
    expect(yuanToFen('4590000')).toBe(459000000)
    expect(yuanToFen('12.5')).toBe(1250)
    expect(yuanToFen('0.07')).toBe(7)
    expect(yuanToFen('1.234')).toBeNull()
    expect(formatFen(459000000, 'zh-CN')).toContain('4,590,000.00')
  })
})

describe('pairings', () => {
  it('group streets with their unit and communities with their departments', () => {
    const rows = [
      { kind: 'street', street_id: 1, street_name: '黄贝街道', unit_id: 9, unit_name: '市委党校', from: '2020-06-01' },
      { kind: 'community', street_id: 1, community_id: 11, community_name: '新兴社区', department_ids: [91, 92] },
      { community_id: 12, street_id: 1, community_name: '凤凰社区', departments: [{ id: 93, name: '教务处' }] },
      { kind: 'street', street_id: 2, street_name: '华富街道', unit_id: 8 },
    ]
    const out = groupPairings(rows)
    expect(out.map((s) => s.street_name)).toEqual(['华富街道', '黄贝街道'].sort((a, b) => a.localeCompare(b, 'zh-CN')))
    const hb = out.find((s) => s.street_id === 1)
    expect(hb.unit_name).toBe('市委党校')
    expect(hb.communities).toHaveLength(2)
    expect(hb.communities.find((c) => c.community_id === 11).departments.map((d) => d.id)).toEqual([91, 92])
    expect(hb.communities.find((c) => c.community_id === 12).departments[0].name).toBe('教务处')
    expect(out.find((s) => s.street_id === 2).unit_name).toBe('#8')
  })
})

describe('pairings as the server answers them', () => {
  it('read the table form and name its ids from the registry', () => {
    const answer = {
      date: '2022-01-12',
      streets: [{ street_id: 1, unit_id: 9, from: '2020-06-01', to: null }],
      communities: [{ community_id: 11, department_ids: [91, 92], from: '2020-06-01', to: null }],
    }
    const rows = nameRows(rowsFromAnswer(answer), {
      streets: [{ id: 1, name: '黄贝街道' }],
      communities: [{ id: 11, street_id: 1, name: '新兴社区' }],
      units: [{ id: 9, name: '市委党校' }],
      departments: [{ id: 91, unit_id: 9, name: '教务处' }],
    })
    const [street] = groupPairings(rows)
    expect(street.street_name).toBe('黄贝街道')
    expect(street.unit_name).toBe('市委党校')
    expect(street.communities[0].community_name).toBe('新兴社区')
    expect(street.communities[0].departments).toEqual([
      { id: 91, name: '教务处', unit_name: '市委党校' },
      { id: 92, name: '#92', unit_name: '' },
    ])
  })
  it('take lists as they are', () => {
    expect(rowsFromAnswer({ items: [{ kind: 'street', street_id: 1 }], next: null })).toHaveLength(1)
    expect(rowsFromAnswer(null)).toEqual([])
  })
})

describe('statistics helpers', () => {
  it('lays by-day rows on every date of the period', () => {
    const days = fillDays([{ date: '2022-01-12', person_times: 34 }], '2022-01-11', '2022-01-13')
    expect(days.map((d) => d.person_times)).toEqual([0, 34, 0])
  })
  it('ranks units by person-times', () => {
    const top = topByPersonTimes([{ unit_id: 1, person_times: 3 }, { unit_id: 2, person_times: 111 }, { unit_id: 3 }], 2)
    expect(top.map((r) => r.unit_id)).toEqual([2, 1])
    expect(rowName({ unit_id: 5 })).toBe('#5')
    expect(rowName({ unit_id: 5, unit_name: '市检察院' })).toBe('市检察院')
  })
  it('totals a request, capping confirmed at headcount', () => {
    expect(requestTotals({ shifts: [{ headcount: 4, confirmed: 6, waiting: 2 }, { headcount: 3, confirmed: 1 }] })).toEqual({ headcount: 7, confirmed: 5, waiting: 2 })
  })
})

describe('roles', () => {
  it('land each role on its own home', () => {
    expect(homeFor('city_admin')).toBe('/city')
    expect(homeFor('unit_admin')).toBe('/unit')
    expect(homeFor('branch_secretary')).toBe('/branch')
    expect(homeFor('street_coordinator')).toBe('/area')
    expect(homeFor('community_coordinator')).toBe('/area')
    expect(homeFor('volunteer')).toBe('/my/shifts')
  })
  it('show a volunteer no administration', () => {
    const names = navFor('volunteer').map((i) => i.name)
    expect(names).toEqual(['my-shifts', 'my-availability'])
    expect(mayOpen({ meta: { roles: ['city_admin'] } }, 'volunteer')).toBe(false)
    expect(mayOpen({ meta: {} }, 'volunteer')).toBe(true)
  })
})

describe('notifyUnlessField', () => {
  const notify = notifyUnlessField(['reason', 'shifts'])
  it('keeps quiet about an error the form shows at one of its fields', () => {
    expect(notify({ field: 'reason' })).toBe(false)
    expect(notify({ field: 'shifts[2].site_id' })).toBe(false)
  })
  it('still notifies errors naming no field or a field the form does not have', () => {
    expect(notify({ code: 'forbidden' })).toBe(true)
    expect(notify({ field: 'shift_id' })).toBe(true)
    expect(notify(null)).toBe(true)
  })
})
