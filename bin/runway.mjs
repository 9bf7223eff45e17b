#!/usr/bin/env node
// The `runway` command. It runs the TypeScript sources through tsx's loader, so
// `npx runway …` works in a fresh clone right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
