import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { delivery } from '#notifications/services/delivery'
import { SmsChannel } from '#notifications/channels/sms_channel'
import type { NotificationChannel } from '#notifications/channels/channel'
import type { QueuedNotification } from '#notifications/types'
import { enqueueCommitted, inTenant, merchantWithSettings, outboxRow } from './helpers.js'

/** Stands in for an SMS provider: keeps what it was asked to send. */
class SmsProviderStandIn implements NotificationChannel {
  sent: QueuedNotification[] = []

  async send(notification: QueuedNotification) {
    this.sent.push(notification)
  }
}

test.group('Notifications: channels bound in the container', () => {
  test('delivery sends through the bound channel; a swap replaces it until restored', async ({
    client,
    assert,
    cleanup,
  }) => {
    const { merchantId } = await merchantWithSettings(client, {
      routes: { 'order.created': ['sms'] },
      sms_recipients: ['+3912345678'],
    })
    const standIn = new SmsProviderStandIn()
    app.container.swap(SmsChannel, () => standIn)
    cleanup(() => app.container.restore(SmsChannel))

    const [swapped] = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
    const first = await inTenant(merchantId, () => delivery.deliver(swapped))
    assert.equal(first.outcome, 'delivered')
    assert.deepEqual(
      standIn.sent.map((notification) => [notification.id, notification.recipient]),
      [[swapped, '+3912345678']]
    )

    app.container.restore(SmsChannel)
    assert.instanceOf(await app.container.make(SmsChannel), SmsChannel)
    const [restored] = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
    const second = await inTenant(merchantId, () => delivery.deliver(restored))
    // The bound channel (SMS_DRIVER=log in tests) sent it; the stand-in heard nothing more.
    assert.equal(second.outcome, 'delivered')
    const row = await outboxRow(merchantId, restored)
    assert.equal(row.status, 'completed')
    assert.lengthOf(standIn.sent, 1)
  })
})
