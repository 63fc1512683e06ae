#!/usr/bin/env node
// Entry point of the `smart-audio` command. The sources are TypeScript, run
// through tsx's loader (a runtime dependency), so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
