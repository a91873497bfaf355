// The metersim dashboard: plain JavaScript over the documented admin API (README.md), no build step.
// Money and volume are shown as the API gives them (4-decimal strings); only the charts turn them
// into numbers. Times are shown as the API gives them, in the vendor zone.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  zoneMinutes: 480, clockNowMs: 0, view: 'fleet', meterNo: '', fleetOffset: 0, fleetLimit: 50,
  journalLast: 0, journalRows: [], verdicts: new Set(), charts: {}, advancing: false,
};
window.dashboard = state;  // the browser test reads the charts' data here

async function api(path, method = 'GET', body = undefined) {
  const init = { method, headers: {} };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers['Content-Type'] = 'application/json'; }
  const r = await fetch(path, init);
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = { message: text }; }
  if (!r.ok) throw new Error((json && json.message) || `${r.status}`);
  return json;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function fillDl(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) dl.append(el('dt', {}, k), el('dd', {}, v));
}

/// Virtual milliseconds as "yyyy-MM-dd HH:mm" in the vendor zone (chart axes only).
function zoneText(ms) {
  return new Date(ms + state.zoneMinutes * 60000).toISOString().slice(0, 16).replace('T', ' ');
}

// ---- clock ------------------------------------------------------------------------------------

async function refreshClock() {
  try {
    const c = await api('/admin/clock');
    $('clock-mode').textContent = c.mode;
    $('clock-speed').textContent = c.speed;
    $('clock-now').textContent = c.now;
    $('clock-zone').textContent = c.zone;
    const m = /^([+-])(\d\d):(\d\d)$/.exec(c.zone);
    if (m) state.zoneMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    state.clockNowMs = c.now_ms;
    $('advance-button').disabled = c.mode !== 'stepped' || state.advancing;
    const p = $('advance-progress');
    if (c.advancing && state.advanceFrom !== undefined) {
      p.hidden = false;
      p.value = (c.now_ms - state.advanceFrom) / Math.max(1, c.advancing.to_ms - state.advanceFrom);
      $('clock-message').textContent = `advancing to ${c.advancing.to}: ${c.advancing.events_run} events`;
    }
  } catch (e) { $('clock-message').textContent = `clock: ${e.message}`; }
}

async function advance(ev) {
  ev.preventDefault();
  const seconds = Number($('advance-seconds').value);
  if (!(seconds > 0)) return;
  state.advancing = true;
  state.advanceFrom = state.clockNowMs;
  $('advance-button').disabled = true;
  $('advance-progress').hidden = false;
  $('advance-progress').value = 0;
  try {
    const r = await api('/admin/clock/advance', 'POST', { seconds });
    $('clock-message').textContent = `advanced to ${r.now}: ${r.events_run} events`;
  } catch (e) { $('clock-message').textContent = `advance: ${e.message}`; }
  state.advancing = false;
  $('advance-progress').hidden = true;
  await refreshClock();
  await refreshView();
}

// ---- fleet ------------------------------------------------------------------------------------

function fleetQuery() {
  const p = new URLSearchParams({ counts: 'true', offset: state.fleetOffset, limit: state.fleetLimit });
  const add = (k, v) => { if (v) p.set(k, v); };
  add('q', $('fleet-q').value.trim());
  add('platform', $('fleet-platform').value);
  add('account_state', $('fleet-account').value);
  add('valve', $('fleet-valve').value);
  add('alarms', $('fleet-alarms').value);
  if ($('fleet-low').checked) p.set('low_balance', 'true');
  return p.toString();
}

function renderCounts(total, counts) {
  const box = $('fleet-counts');
  box.replaceChildren(el('span', {}, `${total} meters`));
  if (!counts) return;
  for (const [k, n] of Object.entries(counts.account_state)) box.append(el('span', {}, `${k}: ${n}`));
  for (const [k, n] of Object.entries(counts.valve)) box.append(el('span', {}, `valve ${k}: ${n}`));
  box.append(el('span', { class: counts.alarms ? 'alarm' : '' }, `alarms: ${counts.alarms}`));
  box.append(el('span', {}, `low balance: ${counts.low_balance}`));
}

async function refreshFleet() {
  const r = await api(`/admin/meters?${fleetQuery()}`);
  const body = $('fleet-table').tBodies[0];
  body.replaceChildren();
  for (const m of r.meters) {
    const alarms = m.alarms.map((a) => a.code).join(' ');
    body.append(el('tr', {},
      el('td', {}, el('a', { href: `#meter/${encodeURIComponent(m.meterNo)}` }, m.meterNo)),
      el('td', {}, m.platform), el('td', {}, m.model), el('td', {}, m.device_id), el('td', {}, m.account_state),
      el('td', { class: 'num' }, m.reading), el('td', { class: 'num' }, m.gas_balance ?? m.balance),
      el('td', {}, m.valve), el('td', { class: 'num' }, m.battery_v),
      el('td', { class: alarms ? 'alarm' : '' }, alarms), el('td', {}, m.now)));
  }
  renderCounts(r.total, r.counts);
  const last = Math.min(r.total, r.offset + r.meters.length);
  $('fleet-page').textContent = `${r.total ? r.offset + 1 : 0}–${last} of ${r.total}`;
  $('fleet-prev').disabled = r.offset === 0;
  $('fleet-next').disabled = last >= r.total;
}

// ---- one meter --------------------------------------------------------------------------------

function ladderStep(cycleUsage, thresholds) {
  const e4 = (s) => { const [i, f = ''] = s.split('.'); return BigInt(i + (f + '0000').slice(0, 4)); };
  const used = e4(cycleUsage);
  let step = 1;
  for (const t of thresholds) if (used >= e4(t)) step++;
  return step;
}

function renderMeter(m, journal) {
  const s = m.state;
  $('meter-no').textContent = m.meterNo;
  fillDl($('meter-identity'), [['meterNo', m.meterNo], ['userNo', m.user_no], ['deviceId', m.device_id],
    ['IMEI', m.imei], ['ICCID', m.iccid], ['platform', m.platform], ['model', m.model], ['billing', m.billing]]);
  const account = [['account', m.account_state], ['balance', m.balance]];
  if (m.gas_balance !== undefined) account.push(['gas balance', m.gas_balance]);
  account.push(['reading m³', m.reading], ['cycle usage m³', m.cycle_usage], ['bought', m.total_bought_money],
    ['used', m.total_used_money], ['buy count', m.buy_count], ['virtual now', m.now], ['next wake', m.next_wake ?? '—']);
  fillDl($('meter-account'), account);
  const sig = s.radio.signal;
  fillDl($('meter-device'), [['valve', m.valve], ['valve causes', m.valve_causes.join(', ') || '—'],
    ['flow m³/h', m.flow_m3_per_hour], ['battery V', m.battery_v], ['online', m.online ? 'yes' : 'no'],
    ['signal', `CSQ ${sig.csq}, RSRP ${sig.rsrp}, SNR ${sig.snr}, ECL ${sig.ecl}`], ['sessions', s.radio.sessions]]);
  const t = m.tariff;
  const step = ladderStep(m.cycle_usage, t.thresholds);
  if (!t.version && !t.code) {
    $('meter-tariff').replaceChildren(el('p', {}, 'no tariff yet (the account is not open)'));
  } else $('meter-tariff').replaceChildren(
    el('p', {}, `version ${t.version}, code ${t.code}, cycle ${t.cycle} (${t.cycle_months} months), effective ${t.effective_at}`),
    el('p', {}, `prices ${t.prices.join(' / ')}; thresholds ${t.thresholds.join(' / ') || '—'} m³; ladder step ${step}` +
      (t.unit_price ? `; unit price ${t.unit_price}` : '')),
    el('p', {}, t.pending ? `pending: version ${t.pending.version} from ${t.pending.effective_at}` : 'no pending tariff'));
  $('meter-alarms').replaceChildren(...(m.alarms.length ? m.alarms.map((a) =>
    el('li', { class: 'alarm' }, `${a.code} ${a.name} since ${a.raised_at}`)) : [el('li', {}, 'none')]));
  $('meter-pending').replaceChildren(...(m.pending_commands.length ? m.pending_commands.map((c) =>
    el('li', {}, `${c.id} ${c.method} ${c.status} queued ${c.queued_at}` + (c.expires_at ? `, expires ${c.expires_at}` : '')))
    : [el('li', {}, 'none')]));
  const body = $('meter-journal').tBodies[0];
  const rows = journal.slice(-50).reverse().map(journalRow);
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { class: 'empty', colspan: '10' }, 'no entries'))]));
}

function lineChart(id, datasets, stepped = false, y = {}, xText = zoneText) {
  const old = state.charts[id];
  if (old) { old.data.datasets = datasets; old.update('none'); return; }
  if (typeof Chart === 'undefined') return;
  state.charts[id] = new Chart($(id), {
    type: 'line',
    data: { datasets },
    options: {
      animation: false, maintainAspectRatio: false, parsing: false, normalized: true,
      elements: { line: { stepped, tension: 0 }, point: { radius: 2 } },
      scales: { x: { type: 'linear', ticks: { callback: (v) => xText(v), maxTicksLimit: 5 } }, y },
      plugins: { legend: { display: datasets.length > 1 }, tooltip: { callbacks: { title: (i) => xText(i[0].parsed.x) } } },
    },
  });
}

/// The meter's charts: its reports (GET /admin/meters/{meterNo}/history, the fleet's bounded ring)
/// and its daily frozen records. Either may be empty.
function renderCharts(m, reports) {
  const daily = m.state.freezes.daily;
  const pts = (f) => reports.map((r) => ({ x: r.at_ms, y: f(r) }));
  const frozen = (f) => daily.map((r) => ({ x: r.at, y: Number(f(r)) }));
  lineChart('chart-reading', [{ label: 'reported', data: pts((r) => Number(r.reading)), borderColor: '#1f5fbf' },
    { label: 'daily freeze', data: frozen((r) => r.values.reading), borderColor: '#8aa', showLine: false }]);
  lineChart('chart-balance', [{ label: 'reported', data: pts((r) => Number(r.gas_balance ?? r.balance)), borderColor: '#2e7d32' },
    { label: 'daily freeze (surplus)', data: frozen((r) => r.values.surplus), borderColor: '#8a8', showLine: false }]);
  lineChart('chart-valve', [{ label: 'open', data: pts((r) => (r.valve === 'open' ? 1 : 0)), borderColor: '#b3261e' }], true,
    { min: 0, max: 1, ticks: { stepSize: 1, callback: (v) => (v ? 'open' : 'not open') } });
  lineChart('chart-battery', [{ label: 'V', data: pts((r) => Number(r.battery_v)), borderColor: '#8a5a00' }]);
}

async function refreshMeter() {
  const no = encodeURIComponent(state.meterNo);
  const [m, j, h] = await Promise.all([api(`/admin/meters/${no}`), api(`/admin/journal?meter=${no}&limit=1000`),
    api(`/admin/meters/${no}/history?limit=1000`)]);
  renderMeter(m, j.entries);
  renderCharts(m, h.reports);
}

async function postEvent(type) {
  const body = { type };
  if (type === 'consume') body.m3 = $('ev-m3').value;
  if (type === 'flow') body.m3_per_hour = $('ev-flow').value;
  if (type === 'alarm' || type === 'clear_alarm') body.code = $('ev-alarm').value;
  if (type === 'valve_fault') body.kind = $('ev-fault').value;
  if (type === 'battery') body.volts = $('ev-volts').value;
  try {
    const r = await api(`/admin/meters/${encodeURIComponent(state.meterNo)}/events`, 'POST', body);
    const fx = r.effects;
    $('ev-result').textContent = `${type}: consumed ${fx.consumed}, ${fx.reports} reports` +
      fx.alarms.map((a) => `, ${a.raised ? 'raised' : 'cleared'} ${a.code}`).join('');
  } catch (e) { $('ev-result').textContent = `${type}: ${e.message}`; }
  await refreshMeter();
}

// ---- journal ----------------------------------------------------------------------------------

function journalRow(e) {
  const cls = [e.deviations.length ? 'deviation' : '', e.status >= 400 || e.error ? 'bad' : ''].join(' ').trim();
  const open = () => showBodies(e);
  return el('tr', { class: cls, tabindex: '0', title: 'Show the bodies', onclick: open,
    onkeydown: (k) => { if (k.key === 'Enter' || k.key === ' ') { k.preventDefault(); open(); } } },
  el('td', {}, e.id), el('td', {}, e.virtual_time), el('td', {}, e.direction), el('td', {}, e.platform),
  el('td', {}, e.method), el('td', {}, e.target), el('td', {}, e.meter_no), el('td', {}, e.status || e.error),
  el('td', { class: 'num' }, e.latency_us), el('td', {}, e.verdict + (e.deviations.length ? ` (${e.deviations.length})` : '')));
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

function showBodies(e) {
  $('body-title').textContent = `#${e.id} ${e.method} ${e.target} → ${e.status} (${e.verdict})`;
  $('body-deviations').replaceChildren(...e.deviations.map((d) =>
    el('p', { class: 'alarm' }, `${d.field}: ${d.rule}${d.detail ? ` (${d.detail})` : ''} (${d.section})`)));
  $('body-request').textContent = pretty(e.request_body);
  $('body-response').textContent = pretty(e.response_body || e.error);
  $('body-dialog').showModal();
}

function journalShown(e) {
  const path = $('journal-path').value.trim();
  const verdict = $('journal-verdict').value;
  return (!path || e.target.includes(path)) && (!verdict || e.verdict === verdict);
}

function renderJournal() {
  const rows = state.journalRows.filter(journalShown).slice(-300).reverse().map(journalRow);
  $('journal-table').tBodies[0].replaceChildren(...rows);
}

async function pollJournal(reset = false) {
  if (reset) { state.journalLast = 0; state.journalRows = []; }
  const p = new URLSearchParams({ since: state.journalLast, limit: 1000 });
  if ($('journal-platform').value) p.set('platform', $('journal-platform').value);
  if ($('journal-meter').value.trim()) p.set('meter', $('journal-meter').value.trim());
  const r = await api(`/admin/journal?${p}`);
  for (const e of r.entries) {
    state.journalRows.push(e);
    state.journalLast = Math.max(state.journalLast, e.id);
    if (!state.verdicts.has(e.verdict)) {
      state.verdicts.add(e.verdict);
      $('journal-verdict').append(el('option', {}, e.verdict));
    }
  }
  if (state.journalRows.length > 2000) state.journalRows.splice(0, state.journalRows.length - 2000);
  if (reset || r.entries.length) renderJournal();
}

// ---- pushes and faults ------------------------------------------------------------------------

const pushSeries = { pending: [], in_flight: [], delivered: [], failures: [], attempts: [] };
const latencies = [];
let latencyLast = 0;

async function pollPushes() {
  const h = await api('/admin/health');
  if (h.pushes) {
    for (const k of Object.keys(pushSeries)) {
      pushSeries[k].push({ x: Date.now(), y: h.pushes[k] });
      if (pushSeries[k].length > 300) pushSeries[k].shift();
    }
    fillDl($('pushes-now'), Object.entries(h.pushes).filter(([, v]) => typeof v !== 'object'));
  } else {
    fillDl($('pushes-now'), [['pushes', 'no outbox']]);
  }
  const j = await api(`/admin/journal?since=${latencyLast}&limit=1000`);
  for (const e of j.entries) {
    latencyLast = Math.max(latencyLast, e.id);
    if (e.direction === 'out') latencies.push({ x: e.virtual_ms, y: e.latency_us });
  }
  if (latencies.length > 500) latencies.splice(0, latencies.length - 500);
  const colors = ['#8a5a00', '#1f5fbf', '#2e7d32', '#b3261e', '#555'];
  // The outbox over wall time (in a stepped clock, virtual time stands still between advances).
  const wall = (v) => new Date(v).toLocaleTimeString();
  lineChart('chart-outbox', Object.keys(pushSeries).map((k, i) => ({ label: k, data: pushSeries[k], borderColor: colors[i] })),
    false, {}, wall);
  lineChart('chart-latency', [{ label: 'µs', data: latencies.slice(), borderColor: '#1f5fbf', showLine: false }]);
}

async function refreshFaults() {
  const r = await api('/admin/faults').catch((e) => ({ faults: [], error: e.message }));
  const body = $('fault-table').tBodies[0];
  body.replaceChildren(...r.faults.map((f) => {
    const rest = Object.entries(f).filter(([k, v]) => k !== 'id' && v !== null).map(([k, v]) => `${k}=${v}`).join(' ');
    return el('tr', {}, el('td', {}, f.id), el('td', {}, rest),
      el('td', {}, el('button', { type: 'button', onclick: () => removeFault(f.id) }, `Remove ${f.id}`)));
  }));
  if (r.error) $('fault-result').textContent = r.error;
}

async function addFault(ev) {
  ev.preventDefault();
  const body = { target: $('fault-target').value, kind: $('fault-kind').value };
  const num = (id) => ($(id).value === '' ? undefined : Number($(id).value));
  if ($('fault-path').value) body.path = $('fault-path').value;
  if (body.kind === 'error') body.status = num('fault-status');
  if (body.kind === 'slow' || body.kind === 'delay') body.delay_ms = num('fault-delay');
  if (num('fault-for') !== undefined) body.for_ms = num('fault-for');
  if (num('fault-count') !== undefined) body.count = num('fault-count');
  try { const r = await api('/admin/faults', 'POST', body); $('fault-result').textContent = `added rule ${r.id ?? ''}`; }
  catch (e) { $('fault-result').textContent = e.message; }
  await refreshFaults();
}

async function removeFault(id) {
  try { await api(`/admin/faults/${id}`, 'DELETE'); $('fault-result').textContent = `removed ${id}`; }
  catch (e) { $('fault-result').textContent = e.message; }
  await refreshFaults();
}

// ---- views ------------------------------------------------------------------------------------

function route() {
  const h = decodeURIComponent(location.hash.slice(1));
  const meter = /^meter\/(.+)$/.exec(h);
  const view = meter ? 'meter' : (['journal', 'pushes'].includes(h) ? h : 'fleet');
  if (meter) state.meterNo = meter[1];
  state.view = view;
  for (const v of ['fleet', 'meter', 'journal', 'pushes']) $(`view-${v}`).hidden = v !== view;
  for (const v of ['fleet', 'journal', 'pushes']) {
    if (v === view) $(`nav-${v}`).setAttribute('aria-current', 'page'); else $(`nav-${v}`).removeAttribute('aria-current');
  }
  if (view === 'pushes') refreshFaults();
  if (view === 'journal') pollJournal(true).catch(showError);
  refreshView();
}

function showError(e) { $('clock-message').textContent = e.message; }

async function refreshView() {
  try {
    if (state.view === 'fleet') await refreshFleet();
    if (state.view === 'meter') await refreshMeter();
    if (state.view === 'pushes') await pollPushes();
  } catch (e) { showError(e); }
}

async function init() {
  const models = await api('/admin/models').catch(() => ({ models: [] }));
  for (const p of [...new Set(models.models.map((m) => m.platform))]) {
    $('fleet-platform').append(el('option', {}, p));
    $('journal-platform').append(el('option', {}, p));
  }
  $('meter-journal').tHead.replaceWith($('journal-table').tHead.cloneNode(true));  // one set of headers
  $('advance-form').addEventListener('submit', advance);
  $('fleet-form').addEventListener('submit', (e) => { e.preventDefault(); state.fleetOffset = 0; refreshFleet().catch(showError); });
  for (const id of ['fleet-platform', 'fleet-account', 'fleet-valve', 'fleet-alarms', 'fleet-low']) {
    $(id).addEventListener('change', () => { state.fleetOffset = 0; refreshFleet().catch(showError); });
  }
  $('fleet-prev').addEventListener('click', () => { state.fleetOffset = Math.max(0, state.fleetOffset - state.fleetLimit); refreshFleet(); });
  $('fleet-next').addEventListener('click', () => { state.fleetOffset += state.fleetLimit; refreshFleet(); });
  for (const b of document.querySelectorAll('#event-form button[data-event]')) {
    b.addEventListener('click', () => postEvent(b.dataset.event));
  }
  $('journal-form').addEventListener('submit', (e) => { e.preventDefault(); pollJournal(true).catch(showError); });
  $('journal-verdict').addEventListener('change', renderJournal);
  $('journal-path').addEventListener('input', renderJournal);
  $('fault-form').addEventListener('submit', addFault);
  $('fault-clear').addEventListener('click', async () => { await api('/admin/faults', 'DELETE').catch(showError); refreshFaults(); });
  window.addEventListener('hashchange', route);
  await refreshClock();
  route();
  setInterval(refreshClock, 1000);
  setInterval(() => { if (state.view === 'journal' && $('journal-live').checked) pollJournal().catch(showError); }, 1000);
  setInterval(() => { if (state.view === 'meter' || state.view === 'pushes') refreshView(); }, 2000);
}

init();
