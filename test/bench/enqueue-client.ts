// The HTTP client of the enqueue benchmark, run as its own process as a CI job would be, so that
// its requests, JSON and garbage collection do not share the server's event loop.
// Reads a job file (argv[2]); prints one JSON line with the timings and what the server answered.
import { readFileSync } from 'node:fs';

interface Job {
  serverUrl: string;
  token: string;
  specs: Array<{ key: string }>;
  warmup: number;
  budgetMs: number;
  healthRequests: number;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
const url = `${job.serverUrl}/trpc/experiments.enqueue`;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${job.token}` };

const healthSamples: number[] = [];
for (let index = 0; index < job.warmup + job.healthRequests; index++) {
  const started = performance.now();
  const response = await fetch(`${job.serverUrl}/healthz`);
  await response.json();
  if (index >= job.warmup) healthSamples.push(performance.now() - started);
}

const samples: number[] = [];
const statuses: Record<string, number> = {};
const answers: Array<{ key: string; state: string | null }> = [];
let measuringSince = performance.now();
for (const [index, spec] of job.specs.entries()) {
  if (index === job.warmup) measuringSince = performance.now();
  if (index > job.warmup && performance.now() - measuringSince > job.budgetMs) break;
  const body = JSON.stringify({ specs: [spec] });
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const payload = (await response.json()) as {
    result?: { data?: { experiments?: Array<{ key: string; state: string }> } };
  };
  const elapsed = performance.now() - started;
  statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  const entry = payload.result?.data?.experiments?.[0];
  answers.push({ key: entry?.key ?? '', state: entry?.state ?? null });
  if (index >= job.warmup) samples.push(elapsed);
  if ((index + 1) % 500 === 0) process.stderr.write(`[bench]   ${index + 1} requests sent\n`);
}
process.stdout.write(`${JSON.stringify({ samples, healthSamples, statuses, answers })}\n`);
