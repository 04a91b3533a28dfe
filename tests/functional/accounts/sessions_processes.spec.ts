import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#tenancy/models/user'
import { accountTokens } from '#tenancy/services/account_tokens'
import { randomClientIp, startAppProcess } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'
import type { Socket } from 'socket.io-client'
import { closeSockets, connect, emitWithAck } from '../notifications/socket_clients.js'
import { createMerchant, login, TEST_PASSWORD } from '#tests/support/merchants'
import {
  refusedEverywhere,
  reset,
  statusAt,
  STRONG_PASSWORD,
  tokenId,
  warmEverywhere,
} from './passwords_support.js'

const here = () => `http://${process.env.HOST}:${process.env.PORT}`

/** "Within a second" in the issue; asserted generously, the machine being shared. */
const CLOSE_WITHIN_MS = 3000

/** Resolves when the server closes the socket, with the reason it gave (access.revoked) first. */
function closing(socket: Socket) {
  let told: { reason?: string } | null = null
  socket.on('access.revoked', (payload) => (told = payload))
  const closed = new Promise<string | null>((resolve) =>
    socket.once('disconnect', () => resolve(told?.reason ?? null))
  )
  return Promise.race([
    closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('socket not closed in time')), CLOSE_WITHIN_MS)
    ),
  ])
}

async function isOpen(socket: Socket) {
  if (!socket.connected) return false
  const reply = await emitWithAck(socket, 'room:leave', { room: 'none:1' })
  return reply.ok === true
}

/** Revocations by passwords and sessions reach every process's token cache within a second. */
test.group('Sessions and passwords: revocation in every process', (group) => {
  let other: Awaited<ReturnType<typeof startAppProcess>>
  const both = () => [here(), other.url]

  group.setup(async () => {
    other = await startAppProcess()
    return () => other.stop()
  })
  group.each.teardown(() => closeSockets())

  test('a password reset refuses every token of the account in every process', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const bystander = await createMerchant()
    const tokens = [await login(client, email), await login(client, email)]
    const bystanderToken = await login(client, bystander.email)
    for (const token of [...tokens, bystanderToken]) await warmEverywhere(token, both())

    const user = await User.findByOrFail('email', email)
    const resetToken = await db
      .connection('control')
      .transaction((trx) => accountTokens.issue(trx, 'password_reset', user.id, 1800))
    await expectStatus(reset(client, resetToken, STRONG_PASSWORD, randomClientIp()), 204)

    for (const token of tokens) await refusedEverywhere(token, both())
    for (const base of both()) assert.equal(await statusAt(base, bystanderToken), 200)
  })

  test('revoking one session, then all others, refuses them in every process; the current stays', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const current = await login(client, email)
    const first = await login(client, email)
    const rest = [await login(client, email), await login(client, email)]
    for (const token of [current, first, ...rest]) await warmEverywhere(token, both())

    await expectStatus(
      client.delete(`/api/v1/auth/sessions/${tokenId(first)}`).bearerToken(current),
      204
    )
    await refusedEverywhere(first, both())
    for (const token of rest)
      for (const base of both()) assert.equal(await statusAt(base, token), 200)

    await expectStatus(client.delete('/api/v1/auth/sessions').bearerToken(current), 200)
    for (const token of rest) await refusedEverywhere(token, both())
    for (const base of both()) assert.equal(await statusAt(base, current), 200)
  })

  test('changing the password refuses the other sessions in every process; the current stays', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const current = await login(client, email)
    const others = [await login(client, email), await login(client, email)]
    for (const token of [current, ...others]) await warmEverywhere(token, both())

    await expectStatus(
      client
        .post('/api/v1/auth/password/change')
        .bearerToken(current)
        .json({ current_password: TEST_PASSWORD, password: STRONG_PASSWORD }),
      204
    )
    for (const token of others) await refusedEverywhere(token, both())
    for (const base of both()) assert.equal(await statusAt(base, current), 200)
  })

  test('sockets: a revoked session’s socket is closed in another process, the current one stays; a reset closes them all', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const current = await login(client, email)
    const revoked = await login(client, email)
    const currentSocket = await connect({ token: current }, { url: other.url })
    const revokedSocket = await connect({ token: revoked }, { url: other.url })
    const revokedClosed = closing(revokedSocket)

    await expectStatus(
      client.delete(`/api/v1/auth/sessions/${tokenId(revoked)}`).bearerToken(current),
      204
    )
    assert.equal(await revokedClosed, 'session_revoked')
    assert.isTrue(await isOpen(currentSocket))

    const user = await User.findByOrFail('email', email)
    const resetToken = await db
      .connection('control')
      .transaction((trx) => accountTokens.issue(trx, 'password_reset', user.id, 1800))
    const currentClosed = closing(currentSocket)
    await expectStatus(reset(client, resetToken, STRONG_PASSWORD, randomClientIp()), 204)
    assert.equal(await currentClosed, 'password_changed')
  })
})
