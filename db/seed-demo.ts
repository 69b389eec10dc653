import type { Db, Executor } from './create-db.js'
import type { OpeningHours } from './types.js'
import { VN_CALENDAR } from '../common/dossier-holidays-vn.js'

export const DEMO_CENTER = 'na-sang'

export interface DemoStaff { username: string; fullName: string; role: 'admin' | 'manager' | 'clerk'; counter?: number }

export const DEMO_STAFF: DemoStaff[] = [
  { username: 'quantri', fullName: 'Quản trị hệ thống', role: 'admin' },
  { username: 'quanly', fullName: 'Lò Văn Thắng', role: 'manager' },
  { username: 'canbo1', fullName: 'Quàng Thị Hoa', role: 'clerk', counter: 1 },
  { username: 'canbo2', fullName: 'Lường Văn Minh', role: 'clerk', counter: 2 },
  { username: 'canbo3', fullName: 'Cầm Thị Lan', role: 'clerk', counter: 3 },
  { username: 'canbo4', fullName: 'Tòng Văn Hải', role: 'clerk', counter: 4 },
  { username: 'canbo5', fullName: 'Vì Thị Mai', role: 'clerk', counter: 5 },
  { username: 'canbo6', fullName: 'Lò Thị Hương', role: 'clerk', counter: 6 },
]

const WEEKDAY_HOURS: [string, string][] = [['07:00', '11:30'], ['13:30', '17:00']]
export const DEMO_HOURS: OpeningHours = { 1: WEEKDAY_HOURS, 2: WEEKDAY_HOURS, 3: WEEKDAY_HOURS, 4: WEEKDAY_HOURS, 5: WEEKDAY_HOURS }

const SERVICES = [
  { prefix: 'A', code: 'ho-tich', vi: 'Hộ tịch', en: 'Civil status', icon: 'family', target: 15, minutes: 8 },
  { prefix: 'B', code: 'chung-thuc', vi: 'Chứng thực', en: 'Certification', icon: 'stamp', target: 10, minutes: 4 },
  { prefix: 'C', code: 'dat-dai', vi: 'Đất đai', en: 'Land', icon: 'land', target: 20, minutes: 12 },
  { prefix: 'D', code: 'ldtbxh', vi: 'Lao động – Thương binh – Xã hội', en: 'Labour, invalids and social affairs', icon: 'people', target: 20, minutes: 10 },
  { prefix: 'E', code: 'kinh-doanh-xay-dung', vi: 'Kinh doanh – Xây dựng', en: 'Household business and construction', icon: 'shop', target: 20, minutes: 10 },
  { prefix: 'F', code: 'ho-tro-truc-tuyen', vi: 'Hỗ trợ dịch vụ công trực tuyến', en: 'Help with online public services', icon: 'laptop', target: 15, minutes: 10 },
  { prefix: 'G', code: 'tra-ket-qua', vi: 'Trả kết quả', en: 'Result pickup', icon: 'inbox', target: 10, minutes: 3 },
]

// [service prefix, code, name, English name, working days, fee in đồng, fee note, required documents]
const PROCEDURES: [string, string, string, string, number, number, string, string[]][] = [
  ['A', 'khai-sinh', 'Đăng ký khai sinh', 'Birth registration', 1, 0, 'Miễn lệ phí', ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh', 'Giấy tờ tùy thân của người đi đăng ký']],
  ['A', 'ket-hon', 'Đăng ký kết hôn', 'Marriage registration', 1, 0, 'Miễn lệ phí', ['Tờ khai đăng ký kết hôn', 'Giấy tờ tùy thân của hai bên', 'Giấy xác nhận tình trạng hôn nhân (nếu cư trú nơi khác)']],
  ['A', 'khai-tu', 'Đăng ký khai tử', 'Death registration', 1, 0, 'Miễn lệ phí', ['Tờ khai đăng ký khai tử', 'Giấy báo tử hoặc giấy tờ thay giấy báo tử']],
  ['A', 'trich-luc', 'Cấp bản sao trích lục hộ tịch', 'Copy of a civil status extract', 1, 8000, '8.000 đồng/bản', ['Tờ khai cấp bản sao trích lục hộ tịch', 'Giấy tờ tùy thân']],
  ['B', 'ct-ban-sao', 'Chứng thực bản sao từ bản chính', 'Certified copy from the original', 0, 2000, '2.000 đồng/trang; từ trang thứ ba 1.000 đồng/trang', ['Bản chính giấy tờ', 'Bản sao cần chứng thực']],
  ['B', 'ct-chu-ky', 'Chứng thực chữ ký', 'Signature certification', 0, 10000, '10.000 đồng/trường hợp', ['Giấy tờ tùy thân', 'Giấy tờ, văn bản cần chứng thực chữ ký']],
  ['B', 'ct-hop-dong', 'Chứng thực hợp đồng, giao dịch', 'Certification of a contract', 2, 50000, '50.000 đồng/hợp đồng', ['Dự thảo hợp đồng', 'Giấy tờ tùy thân của các bên', 'Giấy tờ về tài sản']],
  ['C', 'bien-dong-dat', 'Đăng ký biến động quyền sử dụng đất', 'Registration of land-use changes', 10, 0, 'Theo quy định của tỉnh', ['Đơn đăng ký biến động', 'Giấy chứng nhận đã cấp', 'Hợp đồng chuyển nhượng, tặng cho (nếu có)']],
  ['C', 'cap-gcn-lan-dau', 'Cấp Giấy chứng nhận quyền sử dụng đất lần đầu', 'First land-use certificate', 20, 0, 'Theo quy định của tỉnh', ['Đơn đăng ký, cấp Giấy chứng nhận', 'Giấy tờ về quyền sử dụng đất (nếu có)', 'Sơ đồ thửa đất']],
  ['C', 'hoa-giai-dat', 'Hòa giải tranh chấp đất đai', 'Land dispute mediation', 30, 0, 'Miễn phí', ['Đơn yêu cầu hòa giải', 'Giấy tờ liên quan đến thửa đất']],
  ['D', 'tro-cap-xh', 'Trợ cấp xã hội hàng tháng', 'Monthly social allowance', 15, 0, 'Miễn phí', ['Tờ khai đề nghị trợ giúp xã hội', 'Giấy xác nhận khuyết tật (nếu có)']],
  ['D', 'mai-tang-phi', 'Hỗ trợ chi phí mai táng', 'Funeral cost support', 3, 0, 'Miễn phí', ['Tờ khai đề nghị hỗ trợ chi phí mai táng', 'Bản sao giấy chứng tử']],
  ['D', 'nguoi-co-cong', 'Xác nhận, giải quyết chế độ người có công', 'Benefits for people with merit', 12, 0, 'Miễn phí', ['Bản khai cá nhân', 'Giấy tờ chứng minh']],
  ['E', 'ho-kinh-doanh', 'Đăng ký hộ kinh doanh', 'Household business registration', 3, 100000, '100.000 đồng', ['Giấy đề nghị đăng ký hộ kinh doanh', 'Giấy tờ tùy thân của chủ hộ', 'Văn bản ủy quyền (nếu có)']],
  ['E', 'gpxd-nha-o', 'Cấp giấy phép xây dựng nhà ở riêng lẻ', 'Building permit for a private house', 15, 75000, '75.000 đồng', ['Đơn đề nghị cấp giấy phép xây dựng', 'Giấy tờ về quyền sử dụng đất', 'Hai bộ bản vẽ thiết kế']],
  ['F', 'huong-dan-nop-tt', 'Hướng dẫn nộp hồ sơ trực tuyến trên Cổng dịch vụ công', 'Help filing on the national public service portal', 0, 0, 'Miễn phí', ['Căn cước công dân', 'Số điện thoại đang dùng']],
]

// counter number → [primary prefixes, backup prefixes]: assigned by expertise
export const DEMO_COUNTERS: [number, string[], string[]][] = [
  [1, ['A'], ['B']], [2, ['B'], ['A']], [3, ['C'], ['E']], [4, ['D'], ['F']], [5, ['E'], ['C']], [6, ['F', 'G'], ['A', 'B']],
]

const PRIORITY = [
  ['tre-em-duoi-6', 'Trẻ em dưới 6 tuổi', 'Child under 6'],
  ['phu-nu-mang-thai', 'Phụ nữ mang thai', 'Pregnant woman'],
  ['nguoi-khuyet-tat-nang', 'Người khuyết tật nặng', 'Person with a severe disability'],
  ['nguoi-cao-tuoi', 'Người từ 75 tuổi trở lên', 'Person aged 75 or older'],
  ['nguoi-co-cong', 'Người có công với cách mạng', 'Person with merit to the revolution'],
]

/** Vietnam's holidays and make-up working days (common/dossier-holidays-vn.ts): every new center starts with them. */
export async function seedCalendar(db: Executor, centerId: string): Promise<void> {
  await db.insertInto('calendar_day').values(VN_CALENDAR.map((d) => ({ center_id: centerId, ...d })))
    .onConflict((oc) => oc.columns(['center_id', 'date']).doNothing()).execute()
}

/**
 * Seeds the Na Sang demo center once, every demo account with `password` (an install's own: server/auth/demo-password.ts;
 * a test's or a bench's fixed one); returns false when it already exists.
 */
export async function seedDemo(db: Db, hashPassword: (p: string) => Promise<string>, password: string): Promise<boolean> {
  const existing = await db.selectFrom('center').select('id').where('slug', '=', DEMO_CENTER).executeTakeFirst()
  if (existing) {
    // a demo database seeded before the calendar existed (migration 0003) gets it once
    const anyDay = await db.selectFrom('calendar_day').select('date').where('center_id', '=', existing.id).limit(1).executeTakeFirst()
    if (!anyDay) await seedCalendar(db, existing.id)
    return false
  }
  const passwordHash = await hashPassword(password)
  await db.transaction().execute(async (trx) => {
    const center = await trx.insertInto('center').values({
      slug: DEMO_CENTER, name: 'Trung tâm Phục vụ hành chính công xã Na Sang',
      name_en: 'Na Sang Commune Public Administration Service Center',
      opening_hours: JSON.stringify(DEMO_HOURS), ticket_cutoff: '16:30', dossier_prefix: 'NS',
    }).returning('id').executeTakeFirstOrThrow()
    await seedCalendar(trx, center.id)
    await trx.insertInto('center_board_seq').values({ center_id: center.id }).execute()
    const services = await trx.insertInto('service').values(SERVICES.map((s, i) => ({
      center_id: center.id, prefix: s.prefix, code: s.code, name_vi: s.vi, name_en: s.en, icon: s.icon,
      target_wait_minutes: s.target, default_service_minutes: s.minutes, sort_order: i, is_pickup: s.prefix === 'G',
    }))).returning(['id', 'prefix']).execute()
    const serviceId = new Map(services.map((s) => [s.prefix, s.id]))
    await trx.insertInto('procedure').values(PROCEDURES.map(([p, code, vi, en, days, fee, note, docs]) => ({
      center_id: center.id, service_id: serviceId.get(p)!, code, name_vi: vi, name_en: en, processing_days: days,
      fee_vnd: fee, fee_note: note, documents: JSON.stringify(docs),
    }))).execute()
    await trx.insertInto('priority_group').values(PRIORITY.map(([code, vi, en], i) => ({
      center_id: center.id, code: code!, name_vi: vi!, name_en: en!, bonus_minutes: 30, sort_order: i,
    }))).execute()
    for (const [number, primary, backup] of DEMO_COUNTERS) {
      const c = await trx.insertInto('counter').values({ center_id: center.id, number, name: `Quầy số ${number}` })
        .returning('id').executeTakeFirstOrThrow()
      await trx.insertInto('counter_service').values([
        ...primary.map((p) => ({ counter_id: c.id, service_id: serviceId.get(p)!, tier: 1 as const })),
        ...backup.map((p) => ({ counter_id: c.id, service_id: serviceId.get(p)!, tier: 2 as const })),
      ]).execute()
    }
    await trx.insertInto('staff').values(DEMO_STAFF.map((s) => ({
      username: s.username, full_name: s.fullName, role: s.role, password_hash: passwordHash,
      center_id: s.role === 'admin' ? null : center.id,
    }))).execute()
  })
  return true
}
