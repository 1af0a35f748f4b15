#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx, so a clone needs no build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main();
