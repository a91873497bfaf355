// The dashboard in a real browser: Debian's chromium, driven by playwright-core, against a real
// `metersim serve` on loopback (stepped clock), with a small CIS sink taking the pushes.
//   node dashboard_test.mjs METERSIM CONFIG_TEMPLATE OUT_DIR
// Exit 0 passed, 1 failed, 77 skipped (no chromium). Screenshots land in OUT_DIR.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { chromium, chromiumPath } from './browser.mjs';

const [metersim, configTemplate, outDir] = process.argv.slice(2);

const step = (text) => console.log(`-- ${text}`);
const cleanups = [];
async function cleanup() {
  for (const f of cleanups.reverse()) await Promise.resolve(f()).catch(() => {});
}

/// A CIS that accepts every push with the answers the three vendors' CIS give.
async function startSink() {
  const pushes = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      pushes.push({ url: req.url, body });
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ ReturnCode: '0', ReturnMessage: 'ok', code: 0, msg: 'ok' }));
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  cleanups.push(() => server.close());
  return { port: server.address().port, pushes };
}

/// The CIS registers a meter on CNMCSP (§5.3.1 meteradd, §4.1 headers), so that its alarms are
/// pushed.
async function meterAdd(cnmcspPort, meterNo) {
  const ts = new Date(Date.now() + 480 * 60000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const headers = {
    'Content-Type': 'application/json;charset=utf-8',
    AccessToken: createHash('md5').update(`test-token${'test-secret'}${ts}`).digest('hex'),
    Authorization: Buffer.from(`test-token:${ts}`).toString('base64'),
  };
  const body = { UserID: `U${meterNo}`, UserName: 'dashboard test', UserType: '1', Phone: '13566956201',
    FullAddrDetail: 'test', AddrDetail: '503', BuildingName: '3', FireDate: '2026-03-01 00:00:00',
    PreSaving: '100', MeterID: meterNo, MeterNo: meterNo, MeterParamModel: 'CNMCPUJE', MeterProtocol: 'CNModbusV61',
    MeterReading: 0, PriceID: '5021', Version: '1', IniDate: '2026-03-01 00:00:00', PriceMode: '101',
    MonthCount: '12', Price1: '1.20', Price2: '1.8', Price3: '3.0', Level1: '2000', Level2: '5000',
    DataFrom: 'dashboard test' };
  const r = await fetch(`http://127.0.0.1:${cnmcspPort}/rest/Standard/meter/meteradd`,
    { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok || !text.includes('"ReturnCode":"0"')) throw new Error(`meteradd: ${r.status} ${text}`);
}

/// Starts `metersim serve` and resolves with the ports it printed (admin, cnmcsp).
function startServe(config) {
  const child = spawn(metersim, ['serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => new Promise((ok) => { child.once('exit', ok); child.kill('SIGTERM'); }));
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${out}`)), 15000);
    const take = (chunk) => {
      out += chunk;
      const m = /admin 127\.0\.0\.1:(\d+), cnmcsp 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); ok({ admin: Number(m[1]), cnmcsp: Number(m[2]) }); }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
  });
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const sink = await startSink();
  const config = path.join(outDir, 'dashboard.yaml');
  writeFileSync(config, readFileSync(configTemplate, 'utf8').replaceAll('CIS_PORT', String(sink.port)));
  const ports = await startServe(config);
  const base = `http://127.0.0.1:${ports.admin}`;
  step(`serve on ${base}, CIS sink on ${sink.port}`);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  step('the assets: content types, cache headers');
  const chart = await page.request.get(`${base}/assets/chart.js`);
  if (!chart.ok() || !/javascript/.test(chart.headers()['content-type']) || !/max-age/.test(chart.headers()['cache-control']))
    throw new Error(`/assets/chart.js: ${chart.status()} ${JSON.stringify(chart.headers())}`);

  step('the fleet: nine meters, counts, then a search');
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.querySelectorAll('#fleet-table tbody tr').length === 9);
  await page.locator('#fleet-counts').getByText('manufactured: 9').waitFor();
  await page.screenshot({ path: path.join(outDir, 'dashboard-fleet.png') });
  const meterNo = '2026010000002';
  await page.getByLabel('Search').fill(meterNo);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#fleet-table tbody tr').length === 1);

  step('the CIS registers the meter on CNMCSP; then open it, raise an alarm from the page');
  await meterAdd(ports.cnmcsp, meterNo);
  await page.getByRole('link', { name: meterNo }).click();
  await page.locator('#meter-no').getByText(meterNo).waitFor();
  await page.locator('#meter-alarms').getByText('none').waitFor();
  await page.getByRole('button', { name: 'Raise alarm' }).click();
  await page.locator('#meter-alarms').getByText('0009H magnetic_interference').waitFor();
  await page.locator('#ev-result').getByText('raised 0009H').waitFor();

  step('the live journal shows the alarm pushed to the CIS');
  await page.getByRole('link', { name: 'Journal' }).click();
  await page.locator('#journal-table tbody tr', { hasText: meterNo }).filter({ hasText: 'out' }).first()
    .waitFor({ timeout: 10000 });
  if (!sink.pushes.some((p) => p.body.includes(meterNo))) throw new Error('the CIS sink got no push of the meter');

  // The alarm closed that meter's valve (0009H): the flow goes to its neighbour.
  const flowing = '2026010000003';
  step(`meter ${flowing}: set a flow, advance the clock two days, the charts move`);
  await page.goto(`${base}/#meter/${flowing}`);
  await page.locator('#meter-no').getByText(flowing).waitFor();
  await page.getByLabel('m³/h').fill('0.5000');
  await page.getByRole('button', { name: 'Set flow' }).click();
  await page.locator('#ev-result').getByText('flow:').waitFor();
  const points = () => page.evaluate(() => {
    const c = window.dashboard.charts['chart-reading'];
    const d = c ? c.data.datasets : [];
    const read = d[0] ? d[0].data : [];
    return { read: read.length, frozen: d[1] ? d[1].data.length : 0, lastY: read.length ? read[read.length - 1].y : 0 };
  });
  const before = await points();
  await page.getByLabel('Advance (s)').fill('172800');
  await page.getByRole('button', { name: 'Advance' }).click();
  await page.waitForFunction((b) => {
    const d = window.dashboard.charts['chart-reading'].data.datasets;
    const read = d[0].data;
    return read.length > b.read && d[1].data.length >= 2 && read[read.length - 1].y > b.lastY;
  }, before, { timeout: 20000 }).catch(async (e) => {
    throw new Error(`${e.message}: before ${JSON.stringify(before)}, after ${JSON.stringify(await points())}`);
  });
  const after = await points();
  step(`reading chart: ${before.read} -> ${after.read} points, ${after.frozen} daily freezes, last ${after.lastY} m³`);
  // The chart's line is the meter's report history: every report of the advance is a point.
  const history = await (await page.request.get(`${base}/admin/meters/${flowing}/history`)).json();
  const xs = await page.evaluate(() => window.dashboard.charts['chart-reading'].data.datasets[0].data.map((p) => p.x));
  if (history.count < 2 || !history.reports.every((r) => xs.includes(r.at_ms)))
    throw new Error(`the reading chart lacks history points: chart ${JSON.stringify(xs)}, history ${JSON.stringify(history)}`);
  step(`history: ${history.count} reports, all on the reading chart`);
  await page.locator('#clock-now').getByText('2026-03-03 08:00:00').waitFor();

  await page.screenshot({ path: path.join(outDir, 'dashboard.png'), fullPage: true });
  await page.setViewportSize({ width: 420, height: 800 });
  await page.screenshot({ path: path.join(outDir, 'dashboard-narrow.png'), fullPage: false });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('link', { name: 'Journal' }).click();
  await page.locator('#journal-table tbody tr').first().click();
  await page.locator('#body-dialog').waitFor();
  await page.screenshot({ path: path.join(outDir, 'dashboard-journal.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('link', { name: 'Pushes & faults' }).click();
  await page.getByLabel('Target').selectOption('xianfeng');
  await page.getByLabel('Kind').selectOption('error');
  await page.getByRole('button', { name: 'Add fault' }).click();
  await page.locator('#fault-table tbody tr').first().waitFor();
  await page.screenshot({ path: path.join(outDir, 'dashboard-pushes.png') });
  if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
  step(`screenshots in ${outDir}`);
}

main().then(async () => { await cleanup(); console.log('PASS'); process.exit(0); },
  async (e) => { console.error(`FAIL: ${e.stack || e}`); await cleanup(); process.exit(1); });
