import type { ColumnType, Generated } from 'kysely'

// The tables of the province's machine clients (issue 25): API tokens, webhook subscriptions and the
// outbox they are delivered from. Part of `Database` (db/types.ts).

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface ApiTokenTable {
  id: Generated<string>
  center_id: string
  name: string
  scopes: string[]
  secret_hash: string
  /** the secret's first characters, shown to tell tokens apart */
  prefix: string
  created_by: string
  created_at: Timestamp
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
  last_used_address: string | null
}

export interface WebhookSubscriptionTable {
  id: Generated<string>
  center_id: string
  url: string
  events: string[]
  /** kept as given: an HMAC needs the secret itself */
  secret: string
  personal_data: Generated<boolean>
  allow_http: Generated<boolean>
  /** migration 0024: an admin let it reach private / loopback / link-local addresses (server/outbox/url-policy.ts) */
  allow_private: Generated<boolean>
  active: Generated<boolean>
  created_by: string | null
  created_at: Generated<Timestamp>
}

export interface OutboxEventTable {
  id: Generated<string>
  uid: Generated<string>
  center_id: string
  kind: string
  stream: string
  occurred_at: Timestamp
  data: Json<Record<string, unknown>>
  personal: Json<Record<string, unknown>> | null
  created_at: Generated<Timestamp>
}

export interface OutboxDeliveryTable {
  id: Generated<string>
  event_id: string
  channel: Generated<string>
  subscription_id: string | null
  stream: string
  status: Generated<'pending' | 'delivered' | 'failed'>
  attempts: Generated<number>
  next_at: Generated<Timestamp>
  lease_until: Timestamp | null
  lease_owner: string | null
  last_status: number | null
  last_error: string | null
  last_attempt_at: Timestamp | null
  delivered_at: Timestamp | null
  /** migration 0020 (issue 24): a citizen's notification (channel 'push' | 'sms' | 'zalo') and its idempotency key */
  notify_id: string | null
  idem_key: string | null
}

/** migration 0024: a dossier's electronic result (issue 21, Decree 118 Art. 22), attached by a clerk or the province's system */
export interface DossierResultTable {
  dossier_id: string
  name: string
  content_type: 'application/pdf'
  size: number
  sha256: string
  data: Uint8Array
  attached_by: string | null
  api_token_id: string | null
  attached_at: Timestamp
  downloads: Generated<number>
  last_downloaded_at: Timestamp | null
}

