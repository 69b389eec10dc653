import { DEMO_CENTER, DEMO_PASSWORD, seedDemo } from '../../db/seed-demo.js'
import { hashPassword } from '../auth/auth.service.js'
import { openConfiguredDb, fail } from './open-db.js'

// npm run seed:demo — the Na Sang demo center, on the embedded database or DATABASE_URL.
openConfiguredDb().then(async ({ handle, done }) => {
  const created = await seedDemo(handle.db, hashPassword)
  process.stdout.write(created
    ? `Seeded the demo center '${DEMO_CENTER}' (${handle.kind}); staff password: ${DEMO_PASSWORD}\n`
    : `The demo center '${DEMO_CENTER}' already exists; nothing changed.\n`)
  await done()
}).catch(fail)
