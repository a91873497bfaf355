// `metersim load --report` opened in a real browser (issue 14): Debian's chromium, driven by
// playwright-core, shows the four charts of a real run against a small CIS sink that answers
// every fifth push with HTTP 500.
//   node load_report_test.mjs METERSIM CONFIG OUT_DIR
// Exit 0 passed, 1 failed, 77 skipped (no chromium). The screenshot lands in OUT_DIR.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { chromium, chromiumPath } from './browser.mjs';
import { pathToFileURL } from 'node:url';

const [metersim, config, outDir] = process.argv.slice(2);

function check(ok, what) {
  if (!ok) throw new Error(what);
  console.log(`ok: ${what}`);
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  let n = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n += 1;
      res.statusCode = n % 5 === 0 ? 500 : 200;
      res.setHeader('Content-Type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise((ok) => sink.listen(0, '127.0.0.1', ok));
  const report = path.join(outDir, 'load_report.html');
  const args = ['load', '--config', config, '--platform', 'xianfeng', '--meters', '30', '--duration', '3s',
    '--rate', '30', '--open', '--cis', `http://127.0.0.1:${sink.address().port}`, '--report', report];
  const code = await new Promise((ok) => {
    const p = spawn(metersim, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('exit', (c) => ok(c));
  });
  sink.close();
  check(code === 0 || code === 1, `metersim load ran (exit ${code})`);
  check(n > 0, `the sink saw ${n} pushes`);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route(/^https?:/, (r) => { errors.push(`network request: ${r.request().url()}`); return r.abort(); });
    await page.goto(pathToFileURL(report).href);
    await page.waitForSelector('body[data-charts="4"]', { timeout: 10000 });
    const charts = await page.evaluate(() => ['throughput', 'latency', 'histogram', 'errors'].map((id) => {
      const c = Chart.getChart(document.getElementById(id));
      const canvas = document.getElementById(id);
      return { id, drawn: !!c && canvas.width > 0 && canvas.height > 0,
               sets: c ? c.data.datasets.map((d) => ({ label: d.label, points: d.data.length,
                                                        sum: d.data.reduce((a, b) => a + Number(b), 0) })) : [] };
    }));
    for (const c of charts) check(c.drawn, `chart ${c.id} is drawn`);
    const by = Object.fromEntries(charts.map((c) => [c.id, c.sets]));
    check(by.throughput.find((s) => s.label === 'attempted').sum > 0, 'the throughput chart shows attempted pushes');
    check(by.latency.find((s) => s.label === 'p99').points >= 2, 'the latency chart has a point per second');
    check(by.histogram[0].sum > 0, 'the histogram has counts');
    check(by.errors.some((s) => s.label === 'http_500' && s.sum > 0), 'the errors chart shows the 500s by cause');
    check(await page.locator('#thresholds').count() === 1, 'the thresholds table is there');
    check(errors.length === 0, `no page errors and no network (${errors.join('; ')})`);
    await page.screenshot({ path: path.join(outDir, 'load_report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
}

main().then(() => { console.log('PASS'); process.exit(0); },
  (e) => { console.error(`FAIL: ${e.stack || e}`); process.exit(1); });
