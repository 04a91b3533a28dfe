/** Output for people (aligned tables) or for scripts (--json: one JSON document on stdout). */
export function printJson(value: unknown) {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

export function printTable(headers: string[], rows: Array<Array<unknown>>) {
  if (rows.length === 0) {
    process.stdout.write('(none)\n')
    return
  }
  const cells = rows.map((row) =>
    row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell)))
  )
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => row[i].length))
  )
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  process.stdout.write(
    [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n'
  )
}
