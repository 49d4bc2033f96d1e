/** SQL on app_payout_accounts and app_payouts (issue 12, payouts). */
import type { Sql } from "@zengzhi/store";

export interface PayoutAccountRow {
  kind: "wechat" | "alipay" | "bank";
  logon_id: string | null;
  real_name: string | null;
  bank: string | null;
  card_number: string | null;
  holder: string | null;
  updated_at: Date;
}

export interface PayoutRow {
  withdrawal_id: string;
  channel: "wechat" | "alipay" | "bank" | "sandbox";
  out_biz_no: string;
  member_id: string;
  destination: string;
  amount_fen: string;
  state: "sending" | "paid" | "failed";
  provider_reference: string | null;
  failure_reason: string | null;
  updated_at: Date;
}

const PAYOUT_COLUMNS = `withdrawal_id, channel, out_biz_no, member_id, destination, amount_fen, state,
  provider_reference, failure_reason, updated_at`;

export async function selectPayoutAccount(
  sql: Sql,
  tenant: string,
  member: string,
): Promise<PayoutAccountRow | undefined> {
  const { rows } = await sql.query<PayoutAccountRow>(
    `SELECT kind, logon_id, real_name, bank, card_number, holder, updated_at
     FROM app_payout_accounts WHERE tenant_id = $1 AND member_id = $2`,
    [tenant, member],
  );
  return rows[0];
}

export async function upsertPayoutAccount(
  sql: Sql,
  tenant: string,
  member: string,
  account: Omit<PayoutAccountRow, "updated_at">,
): Promise<void> {
  const values = [account.kind, account.logon_id, account.real_name, account.bank, account.card_number];
  await sql.query(
    `INSERT INTO app_payout_accounts (tenant_id, member_id, kind, logon_id, real_name, bank, card_number, holder)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, member_id) DO UPDATE SET kind = $3, logon_id = $4, real_name = $5, bank = $6,
       card_number = $7, holder = $8, updated_at = now()`,
    [tenant, member, ...values, account.holder],
  );
}

/** Records a payout once: a second call for the same withdrawal keeps the first row (answers false). */
export async function insertPayout(
  sql: Sql,
  tenant: string,
  row: Omit<PayoutRow, "state" | "provider_reference" | "failure_reason" | "updated_at">,
): Promise<boolean> {
  const { rows } = await sql.query(
    `INSERT INTO app_payouts (tenant_id, withdrawal_id, channel, out_biz_no, member_id, destination, amount_fen, state)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'sending') ON CONFLICT (tenant_id, withdrawal_id) DO NOTHING
     RETURNING withdrawal_id`,
    [tenant, row.withdrawal_id, row.channel, row.out_biz_no, row.member_id, row.destination, row.amount_fen],
  );
  return rows.length === 1;
}

export async function selectPayout(
  sql: Sql,
  tenant: string,
  withdrawal: number,
): Promise<PayoutRow | undefined> {
  const { rows } = await sql.query<PayoutRow>(
    `SELECT ${PAYOUT_COLUMNS} FROM app_payouts WHERE tenant_id = $1 AND withdrawal_id = $2`,
    [tenant, withdrawal],
  );
  return rows[0];
}

/** The payouts of some withdrawals (a page of the queue). */
export async function selectPayouts(
  sql: Sql,
  tenant: string,
  withdrawals: readonly number[],
): Promise<PayoutRow[]> {
  if (withdrawals.length === 0) return [];
  const { rows } = await sql.query<PayoutRow>(
    `SELECT ${PAYOUT_COLUMNS} FROM app_payouts WHERE tenant_id = $1 AND withdrawal_id = ANY($2::bigint[])`,
    [tenant, withdrawals.map(String)],
  );
  return rows;
}

/** Moves a payout from sending to its end state (or records its provider reference while sending). */
export async function updatePayout(
  sql: Sql,
  tenant: string,
  change: {
    withdrawal: number;
    state: PayoutRow["state"];
    providerReference?: string;
    failureReason?: string;
  },
): Promise<void> {
  await sql.query(
    `UPDATE app_payouts SET state = $3, provider_reference = coalesce($4, provider_reference),
       failure_reason = coalesce($5, failure_reason), updated_at = now()
     WHERE tenant_id = $1 AND withdrawal_id = $2 AND state = 'sending'`,
    [tenant, change.withdrawal, change.state, change.providerReference ?? null, change.failureReason ?? null],
  );
}
