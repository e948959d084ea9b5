// The volunteer's open check-in, kept on the phone so that check-out is one tap later.
const KEY = 'muster.openAttendance'

export function loadOpenAttendance() {
  try {
    const value = JSON.parse(window.localStorage.getItem(KEY) || 'null')
    return value && value.attendance_id ? value : null
  } catch {
    return null
  }
}

export function saveOpenAttendance(value) {
  try {
    if (value) window.localStorage.setItem(KEY, JSON.stringify(value))
    else window.localStorage.removeItem(KEY)
  } catch {
    // storage unavailable: check-out stays possible from the check-in page
  }
}
