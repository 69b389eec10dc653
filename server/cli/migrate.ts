import { openConfiguredDb, fail } from './open-db.js'

// npm run db:migrate — migrations also run on every npm start; this is for deploy pipelines.
openConfiguredDb().then(async ({ handle, done }) => {
  process.stdout.write(`Database (${handle.kind}) is migrated to the latest version.\n`)
  await done()
}).catch(fail)
