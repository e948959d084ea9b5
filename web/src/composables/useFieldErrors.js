import { reactive } from 'vue'

/**
 * The API client's `notify` option for a form that shows field errors itself: no notice when the
 * error names one of `fields` (top-level names: "shifts" covers "shifts[2].site_id"), since the
 * message stands next to that field; any other failure is still shown as a notice.
 */
export function notifyUnlessField(fields) {
  const known = new Set(fields)
  return (error) => !(error && error.field && known.has(String(error.field).split(/[.[]/)[0]))
}

/**
 * Errors shown next to form fields. `apply(error)` puts an ApiError's translated message under the
 * field it names (bind `:error="errors.phone"` on <el-form-item>; nested fields read "shifts[2].site_id").
 * Returns whether the error named a field.
 */
export function useFieldErrors() {
  const errors = reactive({})

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  function apply(error) {
    clear()
    if (!error || !error.field) return false
    // The client has put the message in the reader's language (api/errorText.js).
    errors[error.field] = error.fieldMessage || error.message
    return true
  }

  return { errors, apply, clear }
}
