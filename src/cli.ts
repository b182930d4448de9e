#!/usr/bin/env node
// The `cashbook` command (bin/cashbook.js runs the build of this file; tests and tools may run
// it with tsx). The subcommands are in src/cli/.
import { main } from './cli/program.ts';

await main(process.argv);
