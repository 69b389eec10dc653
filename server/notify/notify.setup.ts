import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { phoneTransports } from './gateways.js'
import type { NotifySetup } from './notify.service.js'
import { loadVapidKeys, PushTransport, VAPID_FILE } from './push.js'
import type { NotifyTransport } from './transport.js'

/**
 * The transports the environment asks for (main.ts): SMS and Zalo when configured; web push unless PUSH_ENABLED=0, with the
 * VAPID keys from the environment (required on PostgreSQL, where instances must share them) or kept in DATA_DIR.
 */
export function notifySetup(config: Config, logger: Logger, db: 'pglite' | 'postgres'): NotifySetup {
  const c = config.notify
  const transports: NotifyTransport[] = []
  let vapidPublicKey: string | null = null
  if (c.push.enabled && db === 'postgres' && !c.push.publicKey) {
    // keys made in one instance's DATA_DIR would differ from another's: its subscriptions would fail elsewhere
    logger.warn('web push is off: on PostgreSQL set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, shared by every instance (docs/notifications.md)')
  } else if (c.push.enabled) {
    try {
      const keys = loadVapidKeys(config.dataDir, c.push, config.publicUrl)
      if (keys.generated) logger.info({ file: `${config.dataDir}/${VAPID_FILE}` }, 'web push: VAPID keys generated and kept in DATA_DIR')
      transports.push(new PushTransport(keys, c.push.extraHosts))
      vapidPublicKey = keys.publicKey
    } catch (err) {
      logger.warn({ err }, `web push is off: its keys could not be kept in ${config.dataDir} (set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)`)
    }
  }
  transports.push(...phoneTransports(c.sms, c.zalo))
  logger.info({ channels: transports.map((t) => `${t.channel}:${t.provider}`) }, 'citizen notifications')
  return { transports, vapidPublicKey, extraPushHosts: c.push.extraHosts }
}
