import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as english from '@zxcvbn-ts/language-en'
import { WeakPasswordException } from '#tenancy/exceptions'

export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 128
/** zxcvbn's 0..4 scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
export const PASSWORD_MIN_SCORE = 3

/** Built on first use: loading the dictionaries takes a few hundred milliseconds. */
let estimator: ZxcvbnFactory | undefined
function strength() {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  })
  return estimator
}

/** The inputs and their parts (an email's local part and domain words, a name's words). */
function personalWords(userInputs: string[]): string[] {
  const words = new Set<string>()
  for (const input of userInputs) {
    if (typeof input !== 'string' || !input.trim()) continue
    const value = input.trim().toLowerCase()
    words.add(value)
    for (const part of value.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) words.add(part)
  }
  return [...words]
}

/**
 * Refuses a password that is too short, too long, or too easy to guess (zxcvbn score below 3, with the
 * account's own email, name and merchant names counted as known words), with zxcvbn's reason.
 * 422 E_WEAK_PASSWORD, field `password`.
 */
export function assertAcceptablePassword(password: string, userInputs: string[]): void {
  const refuse = (reason: string) => {
    throw new WeakPasswordException(reason, { field: 'password' })
  }
  if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH)
    refuse(`Use at least ${PASSWORD_MIN_LENGTH} characters`)
  if (password.length > PASSWORD_MAX_LENGTH) refuse(`Use at most ${PASSWORD_MAX_LENGTH} characters`)
  const result = strength().check(password, personalWords(userInputs))
  if (result.score >= PASSWORD_MIN_SCORE) return
  const { warning, suggestions } = result.feedback
  const reason = [warning, ...suggestions].filter(Boolean).join(' ')
  refuse(`This password is too easy to guess. ${reason || 'Add more words that are less common.'}`)
}
