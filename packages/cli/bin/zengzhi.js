#!/usr/bin/env node
// Thin launcher: the CLI is written in TypeScript and compiled to dist/ by `npm install` (prepare).
import { main } from "../dist/main.js";

process.exitCode = await main(process.argv.slice(2));
