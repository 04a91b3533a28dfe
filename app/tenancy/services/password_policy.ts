import { WeakPasswordException } from '#tenancy/exceptions'

export const MIN_PASSWORD_LENGTH = 10

/**
 * The one place a new password is judged (sign-up, reset, change). Throws WeakPasswordException
 * (422 E_WEAK_PASSWORD, field `password`) with the reason. `userInputs` (email, name, slug...) are
 * for a strength estimator that refuses passwords built from them; the length rule alone ignores them.
 */
export function assertAcceptablePassword(password: string, _userInputs: string[] = []): void {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw new WeakPasswordException(`Use at least ${MIN_PASSWORD_LENGTH} characters`, {
      field: 'password',
    })
}
