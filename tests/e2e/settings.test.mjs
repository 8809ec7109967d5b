// Browser test of 单位设置 and the QR label page (issue #13 item 6): while the agency's public
// base URL is unset, the label page warns (and links to the setting); the office reads the
// setting but cannot change it; the sysadmin's bad URL gets its field message, a good one is
// saved trimmed; then the warning is gone and the sheet names the URL its QR codes open.
//
//   tests/e2e/run.sh tests/e2e/settings.test.mjs
//
// The setting is the agency's, shared with the other files on a reused database: the test
// clears it before and after.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { adminSessions, apiLogin, building, department, person } from './fixtures.mjs'
import { $, ADMIN_PASSWORD, ADMIN_USER, login, openPage, shot, useBrowser } from './lib.mjs'

const browser = useBrowser()
const URL_IN = 'https://houqin.example.gov.cn/hq/'
const URL_SAVED = 'https://houqin.example.gov.cn/hq'
let office, site

async function clearSetting() {
  const { sys } = await adminSessions()
  const cur = await sys.get('/agency-settings')
  await sys.put('/agency-settings', { public_base_url: null, updated_at: cur.updated_at ?? undefined })
}

before(async () => {
  await clearSetting()
  office = await person('labeloffice', { dept: await department('后勤处'), roles: ['office'] })
  site = await building(await apiLogin(office.username), '标签楼', { '1层': ['101', '102'] })
}, { timeout: 60000 })

after(clearSetting)

const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

test('the label page warns while the base URL is unset, until the sysadmin sets it', { timeout: 90000 }, async () => {
  const phone = await openPage(browser(), { width: 375, height: 740 }, { label: 'office' })
  const desk = await openPage(browser(), { width: 1280, height: 800 }, { label: 'sysadmin' })
  const p = phone.page
  const labelsUrl = `/locations/${site.building.id}/labels`

  await login(p, office.username)
  await p.goto(new URL(labelsUrl, p.url()).href)
  await p.locator($('loc-label')).first().waitFor()
  await p.locator($('loc-base-url-unset')).waitFor()
  assert.ok(await noSideScroll(p), 'the label page scrolls sideways at 375 px')
  await shot(p, 'settings-labels-warning-375')
  // the link leads to 单位设置, which the office reads but cannot save
  await p.locator($('loc-base-url-link')).click()
  await p.waitForURL(/\/admin\/settings$/)
  await p.locator($('settings-base-url')).waitFor()
  assert.equal(await p.locator($('settings-base-url')).isDisabled(), true)
  assert.equal(await p.locator($('settings-save')).count(), 0)
  assert.ok(await noSideScroll(p), 'the settings page scrolls sideways at 375 px')

  const d = desk.page
  await login(d, ADMIN_USER, ADMIN_PASSWORD)
  await d.goto(new URL('/admin/settings', d.url()).href)
  const input = d.locator($('settings-base-url'))
  await input.fill('houqin.example.gov.cn/?x=1')
  await d.locator($('settings-save')).click()
  await d.locator('.el-form-item__error').filter({ hasText: '公开访问地址' }).waitFor()
  await input.fill(URL_IN)
  await d.locator($('settings-save')).click()
  await d.locator('.el-message--success').waitFor()
  assert.equal(await input.inputValue(), URL_SAVED)
  await d.locator($('settings-example')).filter({ hasText: `${URL_SAVED}/m/report?location=` }).waitFor()
  await shot(d, 'settings-saved')

  await p.goto(new URL(labelsUrl, p.url()).href)
  await p.locator($('loc-label')).first().waitFor()
  await p.getByText(URL_SAVED).first().waitFor()
  assert.equal(await p.locator($('loc-base-url-unset')).count(), 0)
  await shot(p, 'settings-labels-set-375')

  assert.deepEqual([...phone.problems, ...desk.problems], [])
  await phone.context.close()
  await desk.context.close()
})
