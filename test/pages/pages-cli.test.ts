import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness';
import { runCli } from '../support/run-cli';
import { enqueueAndStart } from '../support/scenario';

// `runway pages` during an incident: what is open, and "I'm on it" from a terminal.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const alice = server.client(server.tokens.alice);
  const version = await enqueueAndStart(
    alice,
    server.client(server.tokens.bob),
    'checkout-one-click',
  );
  await alice.experiments.rollback.mutate({
    key: 'checkout-one-click',
    expectedVersion: version,
    reason: 'conversion dropped in EU',
  });
});
afterAll(async () => server.stop());

describe('runway pages', () => {
  it('lists open pages, acknowledges one, and shows it under --all', async () => {
    const alice = { url: server.url, token: server.tokens.alice };
    const listed = await runCli(['pages'], alice);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(/ID\s+RAISED\s+KIND\s+KEY\s+OWNER\s+ACKNOWLEDGED\s+SUMMARY/);
    expect(listed.stdout).toMatch(
      /rollback\s+checkout-one-click\s+alice@example\.com\s+-\s+rolled back by alice: conversion dropped in EU/,
    );
    const [open] = (
      JSON.parse((await runCli(['pages', '--json'], alice)).stdout) as {
        pages: Array<{ id: number }>;
      }
    ).pages;

    const acked = await runCli(['pages', 'ack', String(open!.id)], alice);
    expect(acked.exitCode).toBe(0);
    expect(acked.stdout).toMatch(
      new RegExp(`^page ${open!.id} \\(rollback, checkout-one-click\\) acknowledged by alice`),
    );
    expect((await runCli(['pages'], alice)).stdout.trim()).toBe('no open pages');
    const all = JSON.parse((await runCli(['pages', '--all', '--json'], alice)).stdout) as {
      pages: Array<{ id: number; acknowledgedBy: string | null }>;
    };
    expect(all.pages).toEqual([expect.objectContaining({ id: open!.id, acknowledgedBy: 'alice' })]);
  });

  it('refuses a viewer, an unknown page and a bad id with the right exit codes', async () => {
    const viewer = await runCli(['pages', 'ack', '1'], {
      url: server.url,
      token: server.tokens.vic,
    });
    expect(viewer.exitCode).toBe(1);
    expect(viewer.stderr).toMatch(/role/i);
    const unknown = await runCli(['pages', 'ack', '9999'], {
      url: server.url,
      token: server.tokens.alice,
    });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/no page with id 9999/);
    const bad = await runCli(['pages', 'ack', 'abc'], {
      url: server.url,
      token: server.tokens.alice,
    });
    expect(bad.exitCode).toBe(2);
  });
});
