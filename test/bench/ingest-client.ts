// The OTLP sender of the ingest benchmark, run as its own process (as collectors are), so that
// building and serializing exports does not share the server's event loop. Each lane is one
// collector sending its exports one after another; lanes run concurrently. Reads a job file
// (argv[2]); prints one JSON line with what it measured and what the server answered.
import { readFileSync } from 'node:fs';
import { buildExport, pointsPerExport, type ExportShape } from './otlp-load';

export interface IngestClientJob {
  serverUrl: string;
  token: string;
  lanes: ExportShape[];
  warmupPerLane: number;
  exportsPerLane: number;
}

export interface IngestClientResult {
  measuredMs: number;
  /** Points in the measured requests, and how many of them the answers said were rejected. */
  sentPoints: number;
  rejectedPoints: number;
  warmupRejectedPoints: number;
  requests: number;
  bodyBytes: number;
  latenciesMs: number[];
  statuses: Record<string, number>;
  /** The first few error messages or partial-success messages, for the checks. */
  messages: string[];
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as IngestClientJob;
const url = `${job.serverUrl}/v1/metrics`;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${job.token}` };

const statuses: Record<string, number> = {};
const messages: string[] = [];

interface Answer {
  rejected: number;
  latencyMs: number;
}

async function send(body: string, points: number): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const payload = (await response.json()) as {
    partialSuccess?: { rejectedDataPoints?: string; errorMessage?: string };
    message?: string;
  };
  const latencyMs = performance.now() - started;
  statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  const note = payload.partialSuccess?.errorMessage ?? payload.message;
  if (note && messages.length < 5) messages.push(`${response.status}: ${note}`);
  if (response.status !== 200) return { rejected: points, latencyMs };
  return { rejected: Number(payload.partialSuccess?.rejectedDataPoints ?? 0), latencyMs };
}

// Warm-up: the first exports of every lane (they also set the cumulative baselines).
let warmupRejectedPoints = 0;
await Promise.all(
  job.lanes.map(async (shape) => {
    for (let index = 0; index < job.warmupPerLane; index++) {
      const answer = await send(JSON.stringify(buildExport(shape, index)), pointsPerExport(shape));
      warmupRejectedPoints += answer.rejected;
    }
  }),
);

// The measured exports are serialized before the clock starts: the figure is the server's.
const bodies = job.lanes.map((shape) =>
  Array.from({ length: job.exportsPerLane }, (_, offset) =>
    JSON.stringify(buildExport(shape, job.warmupPerLane + offset)),
  ),
);
let bodyBytes = 0;
for (const lane of bodies) for (const body of lane) bodyBytes += Buffer.byteLength(body);

const latenciesMs: number[] = [];
let sentPoints = 0;
let rejectedPoints = 0;
const started = performance.now();
await Promise.all(
  job.lanes.map(async (shape, lane) => {
    const points = pointsPerExport(shape);
    for (const body of bodies[lane]!) {
      const answer = await send(body, points);
      sentPoints += points;
      rejectedPoints += answer.rejected;
      latenciesMs.push(answer.latencyMs);
    }
  }),
);
const measuredMs = performance.now() - started;

const result: IngestClientResult = {
  measuredMs,
  sentPoints,
  rejectedPoints,
  warmupRejectedPoints,
  requests: latenciesMs.length,
  bodyBytes,
  latenciesMs,
  statuses,
  messages,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
