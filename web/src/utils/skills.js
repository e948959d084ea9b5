// Skills are free text; the ones the registry commonly uses have names in the locale files.
export function skillLabel(t, te, skill) {
  return te(`skillNames.${skill}`) ? t(`skillNames.${skill}`) : skill
}

/** A member's skills as one line in the reader's language. */
export function skillsText(t, te, skills) {
  return (skills || []).map((s) => skillLabel(t, te, s)).join('、')
}
