#!/usr/bin/env node
// Measures the member H5's first load: the JavaScript that dist/index.html loads before anything
// else (its entry script and the chunks it preloads), gzipped. Lazy routes (consoles, public page,
// simulator, charts, QR code) are not part of it. Prints a table, or one JSON object with --json;
// exits 1 when the total is above the 200 KB budget.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 200 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");

/** The JavaScript files index.html loads up front: module scripts and modulepreload links. */
export function entryScripts(html) {
  const found = new Set();
  for (const match of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) found.add(match[1]);
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) found.add(match[1]);
  return [...found];
}

export function measure(distDir = dist) {
  const html = readFileSync(join(distDir, "index.html"), "utf8");
  const files = entryScripts(html).map((src) => {
    const bytes = readFileSync(join(distDir, src.replace(/^\//, "")));
    return { file: src, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  const gzipBytes = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  return { files, bytes, gzipBytes, budgetBytes: BUDGET_BYTES, withinBudget: gzipBytes <= BUDGET_BYTES };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = measure();
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(result));
  } else {
    for (const f of result.files)
      console.log(
        `${f.file.padEnd(48)} ${String(f.bytes).padStart(9)} B  ${String(f.gzipBytes).padStart(8)} B gzip`,
      );
    console.log(
      `member H5 first load: ${(result.gzipBytes / 1024).toFixed(1)} KB gzipped JavaScript (budget ${BUDGET_BYTES / 1024} KB)`,
    );
  }
  process.exit(result.withinBudget ? 0 : 1);
}
