-- Period campaigns: the local date a campaign was ended (by hand, or by the daily job once its
-- period is over), so a refusal can name it; and the lookups /goals and /campaigns make.

ALTER TABLE campaigns ADD COLUMN ended_on TEXT;   -- local date, ISO; NULL while not ended

CREATE INDEX campaigns_status ON campaigns (status, period_end);
