// Writes the API's OpenAPI document to docs/openapi.json (`npm run openapi`): the contract as published in the
// repository, which tests/openapi.test.ts compares with what the app serves.
import { writeFileSync } from 'node:fs'
import { createApp } from '../app.js'
import { createDb } from '../../db/create-db.js'
import { openApiDocument } from '../http/openapi.js'
import { API_VERSION } from '../http/openapi-routes.js'

const out = process.argv[2] ?? 'docs/openapi.json'
const handle = await createDb({})
const app = createApp({ dbHandle: handle })
writeFileSync(out, `${JSON.stringify(openApiDocument(app.app, { version: API_VERSION }), null, 2)}\n`)
await handle.close()
process.stdout.write(`Wrote ${out}\n`)
process.exit(0)
