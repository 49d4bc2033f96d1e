-- Issue #13 item 6: a merchant lists its till sales. A till sale is an engine order whose audit
-- entry (action 'sale', committed with the command) names the merchant; this partial index reads a
-- merchant's page of sales, newest first, without reading the tenant's other audit entries. It costs
-- one B-tree insert per till sale (no other audit entry enters it).
CREATE INDEX IF NOT EXISTS app_audit_sales ON app_audit (tenant_id, (detail ->> 'merchant'), seq)
  WHERE action = 'sale';
