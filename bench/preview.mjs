#!/usr/bin/env node
// bench:preview — how fast previews answer (issue 14, item 6). This runner prints one JSON object
// (`--json`) with one key per half: `previews` (bench/preview-live.mjs: previews from the live state
// of a tenant with 1,000,000 open positions). Each half is its own module, so another can add its key.
import os from "node:os";
import { previewLive } from "./preview-live.mjs";

const json = process.argv.includes("--json");
const log = (...a) => (json ? undefined : console.log(...a));

const result = {
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "", node: process.version },
  previews: await previewLive({ log }),
};
if (json) console.log(JSON.stringify(result, null, 2));
