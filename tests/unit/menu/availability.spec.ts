import { test } from '@japa/runner'
import { isAvailable, localTime, windowOpen } from '#menu/services/availability'

test.group('menu / availability windows', () => {
  test('reads the local weekday and minute in the merchant time zone', ({ assert }) => {
    // 2026-01-05 is a Monday; 06:30 UTC is 07:30 in Rome (CET) and 15:30 in Tokyo.
    const at = Date.UTC(2026, 0, 5, 6, 30)
    assert.deepEqual(localTime('Europe/Rome', at), { weekday: 1, minutes: 7 * 60 + 30 })
    assert.deepEqual(localTime('Asia/Tokyo', at), { weekday: 1, minutes: 15 * 60 + 30 })
    // 23:30 UTC on Sunday is already Monday in Tokyo.
    assert.deepEqual(localTime('Asia/Tokyo', Date.UTC(2026, 0, 4, 23, 30)), {
      weekday: 1,
      minutes: 8 * 60 + 30,
    })
  })

  test('a day window: start inclusive, end exclusive, on its days only', ({ assert }) => {
    const breakfast = { days: [1, 2, 3, 4, 5], start: '07:00', end: '11:00' }
    assert.isTrue(windowOpen(breakfast, { weekday: 1, minutes: 7 * 60 }))
    assert.isFalse(windowOpen(breakfast, { weekday: 1, minutes: 11 * 60 }))
    assert.isFalse(windowOpen(breakfast, { weekday: 6, minutes: 8 * 60 }))
    assert.isTrue(windowOpen({ start: '07:00', end: '11:00' }, { weekday: 6, minutes: 8 * 60 }))
  })

  test('an overnight window belongs to the day it starts', ({ assert }) => {
    const lateFriday = { days: [5], start: '22:00', end: '02:00' }
    assert.isTrue(windowOpen(lateFriday, { weekday: 5, minutes: 23 * 60 }))
    assert.isTrue(windowOpen(lateFriday, { weekday: 6, minutes: 60 }))
    assert.isFalse(windowOpen(lateFriday, { weekday: 5, minutes: 60 }))
    assert.isFalse(windowOpen(lateFriday, { weekday: 6, minutes: 23 * 60 }))
  })

  test('no windows means always; several windows mean any of them', ({ assert }) => {
    const at = { weekday: 3, minutes: 12 * 60 }
    assert.isTrue(isAvailable([], at))
    assert.isTrue(
      isAvailable(
        [
          { start: '07:00', end: '09:00' },
          { start: '11:30', end: '14:00' },
        ],
        at
      )
    )
    assert.isFalse(isAvailable([{ start: '07:00', end: '09:00' }], at))
  })
})
