import pg from 'pg'

/**
 * Creates each database named in the given URLs when it is missing, by connecting to the
 * server's maintenance database. Used by `migrate:all --create` on fresh machines.
 */
export async function ensureDatabases(urls: string[]): Promise<string[]> {
  const created: string[] = []
  for (const url of urls) {
    const target = new URL(url)
    const name = decodeURIComponent(target.pathname.slice(1))
    const maintenance = new URL(url)
    maintenance.pathname = '/postgres'
    const client = new pg.Client({ connectionString: maintenance.toString() })
    await client.connect()
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [name])
      if (exists.rowCount === 0) {
        await client.query(`create database "${name.replace(/"/g, '""')}"`)
        created.push(name)
      }
    } finally {
      await client.end()
    }
  }
  return created
}
