-- Results written before the engine recorded its split parts (outcome.split, outcome.owed) keep their
-- bytes: the journal's hash chain covers them. This migration derives their parts once, as the
-- engine computed them then (three parts floored to the fen, the pool takes the rest; an order paid
-- in legacy coins credits only the pool; a till sale's product cost stays with its merchant), so the
-- reports read every row's parts the same way: from the result, or for an older row from here.
-- Rows committed after this migration carry their parts in the result and get no row here.
CREATE TABLE IF NOT EXISTS journal_split_parts (
  tenant_id text NOT NULL,
  seq       bigint NOT NULL,
  split     jsonb NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);

INSERT INTO journal_split_parts (tenant_id, seq, split)
WITH facts AS (
  SELECT j.tenant_id, j.seq, j.command::jsonb ->> 'type' AS type, j.command::jsonb AS command,
         j.result::jsonb -> 'outcome' AS outcome
    FROM journal j
   WHERE j.result LIKE '{"ok":true%' AND j.result NOT LIKE '%"split":{%'
     AND (j.command LIKE '%"type":"order"%' OR j.command LIKE '%"type":"tillSale"%'
          OR j.result LIKE '%"settled":[%')
), split_input AS (
  SELECT f.tenant_id, f.seq, (f.command ->> 'amount')::numeric * 100 AS amount_fen, f.command -> 'split' AS own,
         coalesce(f.command ->> 'payWith', 'cash') = 'coins' AS coins, f.type = 'tillSale' AS till
    FROM facts f WHERE f.type IN ('order', 'tillSale')
  UNION ALL
  SELECT f.tenant_id, f.seq, o.amount_fen::numeric, nullif(o.split, 'null'::jsonb), false, false
    FROM facts f
    CROSS JOIN LATERAL jsonb_array_elements(coalesce(f.outcome -> 'settled', '[]'::jsonb)) s
    JOIN app_orders o ON o.tenant_id = f.tenant_id AND o.order_id = (s ->> 'order')::bigint
), splits AS (
  SELECT i.tenant_id, i.seq, i.amount_fen, i.coins, i.till,
         coalesce(i.own, (SELECT v.rules -> 'split' FROM app_rule_versions v
                           WHERE v.tenant_id = i.tenant_id AND coalesce(v.seq, 0) < i.seq
                           ORDER BY v.version DESC LIMIT 1)) AS split
    FROM split_input i
), parts AS (
  SELECT tenant_id, seq, amount_fen, coins, till,
         floor(amount_fen * (split ->> 'productCost')::numeric) AS product_fen,
         floor(amount_fen * (split ->> 'distributionCost')::numeric) AS distribution_fen,
         floor(amount_fen * (split ->> 'platformProfit')::numeric) AS platform_fen
    FROM splits
), sums AS (
  SELECT tenant_id, seq,
         sum(CASE WHEN coins OR till THEN 0 ELSE product_fen END) AS product_fen,
         sum(CASE WHEN coins THEN 0 ELSE distribution_fen END) AS distribution_fen,
         sum(CASE WHEN coins THEN 0 ELSE platform_fen END) AS platform_fen,
         sum(amount_fen - product_fen - distribution_fen - platform_fen) AS contribution_fen
    FROM parts GROUP BY tenant_id, seq
)
SELECT tenant_id, seq,
       jsonb_build_object('productCost', (product_fen / 100)::text, 'distributionCost', (distribution_fen / 100)::text,
                          'platformProfit', (platform_fen / 100)::text, 'contribution', (contribution_fen / 100)::text)
  FROM sums
ON CONFLICT (tenant_id, seq) DO NOTHING;
