/**
 * RFC 4180 CSV: comma separated, fields quoted with " when they hold a comma, quote or line
 * break, quotes doubled inside. Small and strict on purpose: the import reports what it cannot read.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0 // a BOM from spreadsheet exports
  for (; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"' && field === '') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += char
  }
  if (quoted) throw new Error('Unterminated quoted field at the end of the file')
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

export function toCsv(rows: Array<Array<string | number | boolean | null | undefined>>): string {
  return (
    rows
      .map((row) =>
        row
          .map((value) => quote(value === null || value === undefined ? '' : String(value)))
          .join(',')
      )
      .join('\r\n') + '\r\n'
  )
}
