import { DEMO_CENTER } from '../../db/seed-demo.js'
import { startDemo } from '../auth/demo-password.js'
import { openConfiguredDb, fail } from './open-db.js'

// npm run seed:demo — the Na Sang demo center, on the embedded database or DATABASE_URL, with this install's
// demo password (DATA_DIR/demo-password.txt, made here when the demo is seeded)
openConfiguredDb().then(async ({ handle, config, done }) => {
  const demo = await startDemo(handle.db, config.dataDir)
  process.stdout.write(demo.seeded
    ? `Seeded the demo center '${DEMO_CENTER}' (${handle.kind}); staff password: ${demo.password} (kept in ${demo.file})\n`
    : `The demo center '${DEMO_CENTER}' already exists; nothing changed.${demo.password ? ` Staff password: ${demo.password} (${demo.file})` : ''}\n`)
  await done()
}).catch(fail)
