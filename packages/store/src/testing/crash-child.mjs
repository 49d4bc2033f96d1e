#!/usr/bin/env node
// Crash-test child: opens the ledger (compiled dist), then keeps many orders and sells in flight
// and prints one line per acknowledged command: `ack KEY COMMAND ANSWER`. The parent kills it with
// SIGKILL at a random moment. Usage: crash-child.mjs LOCATION_JSON ROUND
import { openLedger } from "../../dist/index.js";

const location = JSON.parse(process.argv[2]);
const round = process.argv[3];
const IN_FLIGHT = 64;

// The same node id as the checker's: a node restarted under its own id takes its lease back at once.
const ledger = await openLedger({
  ...location,
  batchSizeMax: 2_000,
  snapshotEvery: 3_000,
  nodeId: "crash-node",
});
if (!(await ledger.listTenants()).includes("crash"))
  await ledger.createTenant("crash", { exitMultiple: "2" });
const positions = await ledger.read("crash", (engine) => {
  const open = [];
  for (let id = 1; id <= engine.positionCount; id++) {
    const view = engine.position(id);
    if (view.status === "open") open.push({ id, member: view.member, points: view.points });
  }
  return open;
});
process.stdout.write("ready\n");

let next = 0;
function nextCommand() {
  const n = next++;
  if (n % 3 === 2 && positions.length > 0) {
    const position = positions.splice(Math.floor(Math.random() * positions.length), 1)[0];
    const points = position.points / 2n;
    if (points > 0n) {
      const whole = points / 100_000_000n;
      const fraction = String(points % 100_000_000n).padStart(8, "0");
      return {
        key: `r${round}-${n}`,
        command: {
          type: "sell",
          member: position.member,
          position: position.id,
          points: `${whole}.${fraction}`,
        },
      };
    }
  }
  const amount = `${1 + Math.floor(Math.random() * 2000)}.${String(Math.floor(Math.random() * 100)).padStart(2, "0")}`;
  return {
    key: `r${round}-${n}`,
    command: { type: "order", member: `m${Math.floor(Math.random() * 40)}`, amount },
  };
}

async function submitter() {
  for (;;) {
    const { key, command } = nextCommand();
    const answer = await ledger.submit("crash", key, command);
    process.stdout.write(`ack ${key} ${JSON.stringify(command)} ${JSON.stringify(answer)}\n`);
    if (command.type === "order" && answer.ok) {
      positions.push({
        id: answer.outcome.position,
        member: command.member,
        points: BigInt(answer.outcome.points.replace(".", "")),
      });
    }
  }
}

await Promise.all(Array.from({ length: IN_FLIGHT }, submitter));
