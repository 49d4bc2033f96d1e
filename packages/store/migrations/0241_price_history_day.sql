-- Reports bucket commands by the calendar date of their engine day (the date statements show), so
-- they find a range's batches by day: the first batch that ends on a day, by this index, not by a
-- scan of the tenant's whole history.
CREATE INDEX IF NOT EXISTS price_history_day ON price_history (tenant_id, day, batch);
