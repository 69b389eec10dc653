import '../web/base.css'
import './staff.css'
import { byId, fill, h } from '../web/dom.js'
import { t } from '../web/i18n.js'

// Placeholder until the staff console is built (another issue): says so, links only to pages that exist.
const s = t().staffSoon
document.title = `${s.title} · ${t().pages.appName}`
const keep = location.search // keeps ?center= for the links
fill(byId('app'),
  h('h1', null, `${t().pages.appName} · ${s.title}`),
  h('p', null, s.body),
  h('ul', null,
    h('li', null, h('a', { href: `/kiosk${keep}` }, s.kiosk)),
    h('li', null, h('a', { href: `/display${keep}` }, s.display))))
