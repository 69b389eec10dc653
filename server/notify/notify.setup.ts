import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { phoneTransports } from './gateways.js'
import type { NotifySetup } from './notify.service.js'
import { loadVapidKeys, PushTransport, VAPID_FILE } from './push.js'
import type { NotifyTransport } from './transport.js'

/** The transports the environment asks for (main.ts): web push unless PUSH_ENABLED=0, SMS and Zalo when configured. */
export function notifySetup(config: Config, logger: Logger, db: 'pglite' | 'postgres'): NotifySetup {
  const c = config.notify
  const transports: NotifyTransport[] = []
  let vapidPublicKey: string | null = null
  if (c.push.enabled) {
    const keys = loadVapidKeys(config.dataDir, c.push, config.publicUrl)
    if (keys.generated) logger.info({ file: `${config.dataDir}/${VAPID_FILE}` }, 'web push: VAPID keys generated and kept in DATA_DIR')
    if (db === 'postgres' && !c.push.publicKey) {
      logger.warn('web push: VAPID keys come from this instance\'s DATA_DIR; several instances must share them (set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)')
    }
    transports.push(new PushTransport(keys, c.push.extraHosts))
    vapidPublicKey = keys.publicKey
  }
  transports.push(...phoneTransports(c.sms, c.zalo))
  logger.info({ channels: transports.map((t) => `${t.channel}:${t.provider}`) }, 'citizen notifications')
  return { transports, vapidPublicKey, extraPushHosts: c.push.extraHosts }
}
