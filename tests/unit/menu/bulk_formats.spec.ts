import { test } from '@japa/runner'
import { parseCsv, toCsv } from '#menu/bulk/csv'
import { parseMenuFilters } from '#menu/services/menu_filters'

test.group('menu / CSV and filters', () => {
  test('parses quoted fields, doubled quotes, CRLF and line breaks inside quotes', ({ assert }) => {
    const rows = parseCsv('\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\n1,,3')
    assert.deepEqual(rows, [
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['1', '', '3'],
    ])
    assert.throws(() => parseCsv('a,"open'), /Unterminated/)
  })

  test('writes what it reads', ({ assert }) => {
    const rows = [
      ['name', 'note'],
      ['Latte, large', 'the "best"'],
      ['Tea', null],
    ]
    assert.deepEqual(parseCsv(toCsv(rows)), [
      ['name', 'note'],
      ['Latte, large', 'the "best"'],
      ['Tea', ''],
    ])
  })

  test('normalises filters so equal filters share a cache entry, and names bad codes', ({
    assert,
  }) => {
    assert.deepEqual(
      parseMenuFilters('dietary=Vegan,gluten_free&dietary=vegan&exclude_allergens=nuts'),
      {
        dietary: ['gluten_free', 'vegan'],
        excludeAllergens: ['nuts'],
      }
    )
    assert.deepEqual(parseMenuFilters(''), { dietary: [], excludeAllergens: [] })
    assert.propertyVal(
      parseMenuFilters('exclude_allergens=shellfish'),
      'field',
      'exclude_allergens'
    )
    assert.propertyVal(parseMenuFilters('dietary=paleo'), 'field', 'dietary')
  })
})
