/**
 * `zengzhi verify-inclusion PROOF.json ROOT`: checks a member's proof of liabilities offline against
 * the root published on the public page, with the same code the browser runs (docs/TRANSPARENCY.md).
 * Exit 0: included; 1: the proof is refused (the reason on stderr); 2: usage or unreadable file.
 */
import { readFile } from "node:fs/promises";
import { formatMoney, formatPoints, verifyInclusion } from "@zengzhi/engine";

export const VERIFY_INCLUSION_USAGE = "usage: zengzhi verify-inclusion PROOF.json ROOT (64 hex digits)";

function fail(message: string, code: number): number {
  process.stderr.write(`zengzhi: ${message}\n`);
  return code;
}

export async function verifyInclusionCommand(args: string[]): Promise<number> {
  const [file, root, ...rest] = args;
  if (file === undefined || root === undefined || rest.length > 0) return fail(VERIFY_INCLUSION_USAGE, 2);
  let proof: unknown;
  try {
    proof = JSON.parse(await readFile(file, "utf8")) as unknown;
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    return fail(`cannot read ${file}: ${reason}`, 2);
  }
  const check = verifyInclusion(proof, root);
  if (!check.ok) return fail(`REFUSED (${check.code}): ${check.message}`, 1);
  const leaf = proof as { member: string; day: number; cash: string; points: string };
  process.stdout.write(
    [
      `OK: member ${leaf.member} is included in root ${check.root} (day ${leaf.day})`,
      `  member's liabilities: cash ${formatMoney(BigInt(leaf.cash))}, points ${formatPoints(BigInt(leaf.points))}`,
      `  all members' totals:  cash ${formatMoney(check.cash)}, points ${formatPoints(check.points)}`,
    ].join("\n") + "\n",
  );
  return 0;
}
