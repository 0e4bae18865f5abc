import * as epmd from './epmdClient.ts'
import { type EpmdServer, startEpmd } from './epmdServer.ts'

/**
 * The node's EPMD registration: with the EPMD listening on the configured port, or, when none
 * listens, with an embedded one started here (so nothing needs Erlang installed). If that EPMD
 * goes away later (the node hosting it stopped), the registration is made again, hosting a new
 * embedded EPMD if needed, and keeping this node's creation.
 */

export interface RegistrationConfig {
  readonly name: string
  readonly hidden: boolean
  readonly host: string
  readonly epmdPort: number
}

/** What the registry keeps; `registration` is replaced when EPMD had to be found again. */
export interface Registered {
  registration: epmd.Registration | null
  epmdServer: EpmdServer | null
}

/** Where to reach EPMD for our own registration: loopback when listening on every interface. */
function epmdClientHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
}

export async function register(
  cfg: RegistrationConfig,
  port: number,
): Promise<[epmd.Registration, EpmdServer | null]> {
  const addr = { host: epmdClientHost(cfg.host), port: cfg.epmdPort }
  const alive = cfg.name.slice(0, cfg.name.indexOf('@'))
  const entry = {
    name: alive,
    port,
    type: cfg.hidden ? epmd.NODE_TYPE_HIDDEN : epmd.NODE_TYPE_NORMAL,
    protocol: 0,
    highest: 6,
    lowest: 6,
  }
  try {
    return [await epmd.register(addr, entry), null]
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw e
  }
  // No EPMD listening: host one here, so nothing needs Erlang installed.
  let server: EpmdServer | null = null
  try {
    server = await startEpmd(cfg.host, cfg.epmdPort)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e
  }
  try {
    return [await epmd.register(addr, entry), server]
  } catch (e) {
    await server?.close()
    throw e
  }
}

/** EPMD went away (an embedded one in a stopped node, say): register again, keeping our creation. */
export function watchRegistration(
  r: Registered,
  cfg: RegistrationConfig,
  port: number,
  live: () => boolean,
  reg: epmd.Registration,
): void {
  reg.socket.once('close', () => {
    if (!live() || r.registration !== reg) return
    r.registration = null
    let delay = 200
    const retry = () => {
      if (!live()) return
      register(cfg, port).then(
        ([next, server]) => {
          if (!live()) {
            next.socket.destroy()
            void server?.close()
            return
          }
          r.registration = next
          if (server !== null) r.epmdServer = server
          watchRegistration(r, cfg, port, live, next)
        },
        () => {
          delay = Math.min(delay * 2, 5000)
          setTimeout(retry, delay).unref()
        },
      )
    }
    setTimeout(retry, delay).unref()
  })
}
