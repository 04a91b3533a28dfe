import net from 'node:net'

/**
 * A TCP proxy between an app process and a real server (PostgreSQL, Redis) that a test can cut: `cut()`
 * drops every open connection and stops listening (new connections are refused) until `restore()`.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>()
  let server: net.Server | undefined
  let port = 0

  const listen = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(target)
      const pair = { client, upstream }
      pairs.add(pair)
      const close = () => {
        pairs.delete(pair)
        client.destroy()
        upstream.destroy()
      }
      client.on('error', close).on('close', close)
      upstream.on('error', close).on('close', close)
      client.pipe(upstream)
      upstream.pipe(client)
    })
    await new Promise<void>((resolve, reject) =>
      server!.once('error', reject).listen(port, '127.0.0.1', resolve)
    )
    port = (server!.address() as net.AddressInfo).port
  }
  await listen()

  return {
    get port() {
      return port
    },
    /** Local ports of the proxy's connections to the server (PostgreSQL's pg_stat_activity.client_port). */
    upstreamPorts() {
      return [...pairs]
        .map((pair) => pair.upstream.localPort)
        .filter((value): value is number => value !== undefined)
    },
    async cut() {
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()))
      for (const { client, upstream } of pairs) {
        client.destroy()
        upstream.destroy()
      }
      await closed
    },
    restore: listen,
    close() {
      for (const { client, upstream } of pairs) {
        client.destroy()
        upstream.destroy()
      }
      return new Promise<void>((resolve) =>
        server?.listening ? server.close(() => resolve()) : resolve()
      )
    },
  }
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>
