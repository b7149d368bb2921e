// The overload test of `make bench` (issue 15 item 8): drives ingest at a fixed offered rate —
// run.sh passes 2× the saturating rate it just measured — for --seconds, open loop (batches are
// sent on schedule whatever the answers, up to --max-inflight requests at once), while a query
// runs every 250 ms and the server's RSS is sampled. Then it checks that no acknowledged event
// was lost: the store's count must be at least the sum of `accepted` over the 200 answers (and at
// most that plus the events of requests whose answer never came).
//
//   node bench/overload.mjs --port P --pid PID --file events.ndjson --rate EVENTS_PER_S
//        --seconds 60 --batch 5000 --out overload.json [--max-inflight 256]
//
// Exit 1 when an acknowledged event is missing or no query was answered.
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, index, all) =>
  (index % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[index + 1]]] : pairs), []));
const port = Number(args.port);
const seconds = Number(args.seconds ?? 60);
const batchEvents = Number(args.batch ?? 5000);
const rate = Number(args.rate);
const maxInflight = Number(args['max-inflight'] ?? 256);
if (!port || !args.file || !(rate > 0) || !args.out) {
  console.error('usage: overload.mjs --port P --pid PID --file events.ndjson --rate N --seconds S --batch B --out FILE');
  process.exit(2);
}

// Bodies built once: the file's lines in batches (reused from the start when the run needs more).
// At most the first kMaxBytes of the file, cut at a line end: a 10M-event file (6 GB) is past what
// one string can hold, and a minute at twice the saturating rate reuses bodies anyway.
const kMaxBytes = 256 * 1024 * 1024;
function readPrefix(path, maxBytes) {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes, fstatSync(fd).size));
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    const text = buffer.subarray(0, filled).toString('utf8');
    return filled < fstatSync(fd).size ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
  } finally {
    closeSync(fd);
  }
}
const lines = readPrefix(args.file, kMaxBytes).split('\n').filter((line) => line.length > 0);
const bodies = [];
for (let start = 0; start < lines.length; start += batchEvents) {
  const slice = lines.slice(start, start + batchEvents);
  bodies.push({ body: Buffer.from(slice.join('\n') + '\n'), events: slice.length });
}

const ingestAgent = new http.Agent({ keepAlive: true, maxSockets: maxInflight });
const queryAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function post(agent, path, body, contentType, timeoutMs) {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, timeout: timeoutMs,
      headers: { 'Content-Type': contentType, 'Content-Length': body.length } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
      response.on('error', () => resolve({ status: 0 }));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve({ status: 0 }));
    request.end(body);
  });
}
const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const rssBytes = () => {
  try {
    const match = readFileSync(`/proc/${args.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m);
    return match ? Number(match[1]) * 1024 : 0;
  } catch { return 0; }
};
const countQuery = Buffer.from(JSON.stringify({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', metrics: ['count'] }));
const storedCount = async () => {
  const answer = await post(queryAgent, '/api/v1/query', countQuery, 'application/json', 60000);
  if (answer.status !== 200) return null;
  const table = JSON.parse(answer.body);
  return Number(table.rows[0][table.columns.indexOf('count')]);
};

const statuses = {};
let inflight = 0, sent = 0, notSent = 0, ackedEvents = 0, ackedDuplicates = 0, ackedRequests = 0, unknownEvents = 0, next = 0;
const queryMs = [];
let queryFailed = 0;
const rssBefore = rssBytes();
let peakRss = rssBefore;
const started = performance.now();
const deadline = started + seconds * 1000;

function sendBatch() {
  const { body, events } = bodies[next++ % bodies.length];
  inflight++;
  sent++;
  post(ingestAgent, '/api/v1/events', body, 'application/x-ndjson', 30000).then((answer) => {
    inflight--;
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (answer.status === 200) {
      ackedRequests++;
      const ack = JSON.parse(answer.body);
      ackedEvents += ack.accepted;  // newly stored: what the store's count must hold
      ackedDuplicates += ack.duplicates;  // a body sent again once the file ran out
    } else if (answer.status === 0) {
      unknownEvents += events;  // no answer: stored whole or not at all
    }
  });
}

await new Promise((resolve) => {
  const offer = setInterval(() => {
    const now = performance.now();
    if (now >= deadline) { clearInterval(offer); resolve(); return; }
    const due = Math.floor(((now - started) / 1000) * rate / batchEvents) - sent - notSent;
    for (let i = 0; i < due; i++) {
      if (inflight >= maxInflight) { notSent++; continue; }  // the client's own limit: counted, not sent
      sendBatch();
    }
  }, 10);
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes());
    if (performance.now() >= deadline) clearInterval(sample);
  }, 250);
  const queries = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const answer = await post(queryAgent, '/api/v1/query', countQuery, 'application/json', 30000);
      if (answer.status === 200) queryMs.push(performance.now() - t0); else queryFailed++;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  queries();
});
const drainDeadline = performance.now() + 60000;
while (inflight > 0 && performance.now() < drainDeadline) {
  peakRss = Math.max(peakRss, rssBytes());
  await new Promise((r) => setTimeout(r, 50));
}
const stored = await storedCount();
const lost = stored === null ? null : Math.max(0, ackedEvents - stored);
const result = {
  seconds, batch_events: batchEvents, max_inflight: maxInflight,
  offered_events_per_s: rate, sent_batches: sent, not_sent_batches: notSent,
  // Acknowledged (new and duplicate ids alike) per second while overloaded.
  acked_events_per_s: Math.round((ackedEvents + ackedDuplicates) / seconds), acked_duplicates: ackedDuplicates,
  statuses, acked_events: ackedEvents, unknown_events: unknownEvents, stored_events: stored, lost_events: lost,
  extra_events: stored === null ? null : stored - ackedEvents,
  query_ok: queryMs.length, query_failed: queryFailed,
  query_p50_ms: percentile(queryMs, 50), query_p95_ms: percentile(queryMs, 95),
  rss_before_bytes: rssBefore, peak_rss_bytes: peakRss,
};
writeFileSync(args.out, JSON.stringify(result));
console.error(`overload: ${JSON.stringify(result)}`);
ingestAgent.destroy();
queryAgent.destroy();
const consistent = stored !== null && lost === 0 && stored <= ackedEvents + unknownEvents;
process.exit(consistent && queryMs.length > 0 ? 0 : 1);
