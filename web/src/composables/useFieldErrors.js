import { reactive } from 'vue'
import { useI18n } from 'vue-i18n'

const CJK = /[\u3400-\u9fff]/

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
 * Errors shown next to form fields. `apply(error)` puts an ApiError's message under the field it
 * names (bind `:error="errors.phone"` on <el-form-item>; nested fields read "shifts[2].site_id").
 * Returns whether the error named a field.
 */
export function useFieldErrors() {
  const { t, locale } = useI18n()
  const errors = reactive({})

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  function apply(error) {
    clear()
    if (!error || !error.field) return false
    let text = error.fieldMessage || error.message
    // Until the server answers in the reader's language, an English reason gets a Chinese lead.
    if (locale.value === 'zh-CN' && text && !CJK.test(text)) text = t('errors.fieldInvalid', { reason: text })
    errors[error.field] = text
    return true
  }

  return { errors, apply, clear }
}
