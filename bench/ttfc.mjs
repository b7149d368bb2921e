// Time to first chart (issue 12): opens `/` (the Executive Dashboard) of a running server in
// headless Chromium (playwright-core from web/node_modules, the system's /usr/bin/chromium, as the
// e2e tests) and measures from navigation start to every chart of the page drawn: each EChart
// wrapper reports data-chart-ready="true" and its canvas has a non-blank pixel. Cold: a new
// browser context (empty HTTP cache), the server's query cache as the server runs; warm: the same
// page loaded again in that context. Prints {"cold_ms":…,"warm_ms":[…],"warm_p50_ms":…,"charts":N}.
// --breakdown 1 also prints, for the cold load, where the time went (docs/performance.md "Time to
// first chart"): each request's start/end and server time (Server-Timing), long tasks (script
// evaluation, ECharts' first render) and when each chart turned ready.
//   node bench/ttfc.mjs --url http://127.0.0.1:PORT [--warm 3] [--timeout-ms 60000] [--chromium PATH] [--breakdown 1]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, idx, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[idx + 1]]] : pairs), []),
);
if (!args.url) {
  console.error('usage: node bench/ttfc.mjs --url http://127.0.0.1:PORT [--warm 3] [--timeout-ms 60000]');
  process.exit(2);
}
const warmRuns = Number(args.warm ?? 3);
const timeoutMs = Number(args['timeout-ms'] ?? 60_000);
const require = createRequire(fileURLToPath(new URL('../web/package.json', import.meta.url)));
const { chromium } = require('playwright-core');

// In the page: true once every chart container drew with a non-blank canvas (a pixel whose
// alpha is not 0), and at least one chart is on the page.
function allChartsDrawn() {
  const charts = [...document.querySelectorAll('main [data-chart-ready]')];
  if (charts.length === 0) return false;
  return charts.every((chart) => {
    if (chart.getAttribute('data-chart-ready') !== 'true') return false;
    const canvas = chart.querySelector('canvas');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
    const context = canvas.getContext('2d');
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    for (let idx = 3; idx < data.length; idx += 4 * 7) if (data[idx] !== 0) return true;
    return false;
  });
}

// In the page, before its scripts: records long tasks and the moment each chart turns ready.
function recordTimeline() {
  window.__ttfc = { longTasks: [], chartsReady: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__ttfc.longTasks.push([Math.round(entry.startTime), Math.round(entry.duration)]);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.target.getAttribute?.('data-chart-ready') === 'true') {
        window.__ttfc.chartsReady.push([mutation.target.getAttribute('aria-label') ?? '', Math.round(performance.now())]);
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-chart-ready'] });
}

// In the page: the recorded timeline and every request, in ms from navigation start.
function readTimeline() {
  const round = (ms) => Math.round(ms);
  const nav = performance.getEntriesByType('navigation')[0];
  const requests = [nav, ...performance.getEntriesByType('resource')].map((entry) => ({
    name: entry.name.replace(location.origin, ''),
    start: round(entry.startTime),
    response_start: round(entry.responseStart),
    end: round(entry.responseEnd),
    bytes: entry.transferSize,
    server: entry.serverTiming.map((timing) => `${timing.name}=${round(timing.duration)}`).join(' '),
  }));
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map((entry) => [entry.name, round(entry.startTime)]));
  return { requests, dom_content_loaded: round(nav.domContentLoadedEventEnd), paint, ...window.__ttfc };
}

async function timeLoad(page) {
  await page.goto(args.url, { waitUntil: 'commit' });
  await page.waitForFunction(allChartsDrawn, null, { timeout: timeoutMs, polling: 'raf' });
  // From the navigation's start (the page's own clock) to now.
  return page.evaluate(() => ({ ms: performance.now(), charts: document.querySelectorAll('main [data-chart-ready]').length }));
}

const browser = await chromium.launch({
  executablePath: args.chromium ?? process.env.MLTRACK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  // Live off: the measure is the page's own requests, not a socket's snapshot.
  await context.addInitScript(() => window.localStorage.setItem('mltrack-live', 'off'));
  if (args.breakdown) await context.addInitScript(recordTimeline);
  const page = await context.newPage();
  const cold = await timeLoad(page);
  if (args.breakdown) console.log(JSON.stringify(await page.evaluate(readTimeline), null, 1));
  const warm = [];
  for (let run = 0; run < warmRuns; ++run) warm.push((await timeLoad(page)).ms);
  const sorted = [...warm].sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 10) / 10;
  console.log(JSON.stringify({
    cold_ms: round(cold.ms),
    warm_ms: warm.map(round),
    warm_p50_ms: sorted.length ? round(sorted[Math.floor((sorted.length - 1) / 2)]) : null,
    charts: cold.charts,
  }));
} finally {
  await browser.close();
}
