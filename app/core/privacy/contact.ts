/** One spelling of an email address, for matching and keying (case and surrounding spaces dropped). */
export function normaliseEmail(email: string) {
  return email.trim().toLowerCase()
}

/** One spelling of a phone number, for matching and keying (spaces, dots, dashes and brackets dropped). */
export function normalisePhone(phone: string) {
  return phone.replace(/[\s().-]/g, '')
}
