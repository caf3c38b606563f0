-- Webhooks by topic filter (docs/WEBHOOKS.md): the hooks, and the durable outbox of their deliveries.
-- Times are epoch milliseconds. The secret is kept as given: each delivery is signed with it.

CREATE TABLE IF NOT EXISTS webhook (
  id              VARCHAR(32) PRIMARY KEY,
  site            VARCHAR(64) NOT NULL,
  url             VARCHAR(8192) NOT NULL,
  filters         VARCHAR(1000000) NOT NULL,
  secret          VARCHAR(4096) NOT NULL,
  enabled         BOOLEAN NOT NULL,
  created_by      VARCHAR(64) NOT NULL,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  failing_since   BIGINT,
  disabled_at     BIGINT,
  disabled_reason VARCHAR(1000)
);

-- One row per (hook, event): state pending, delivered or failed (given up after webhooks.retryForSeconds).
CREATE TABLE IF NOT EXISTS webhook_outbox (
  hook_id         VARCHAR(32) NOT NULL,
  sequence        BIGINT NOT NULL,
  delivery_id     VARCHAR(64) NOT NULL,
  topic           VARCHAR(65535) NOT NULL,
  payload         VARCHAR(1000000) NOT NULL,
  published_at    BIGINT NOT NULL,
  queued_at       BIGINT NOT NULL,
  state           VARCHAR(16) NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_status     INTEGER,
  last_error      VARCHAR(500),
  delivered_at    BIGINT,
  PRIMARY KEY (hook_id, sequence)
);
CREATE INDEX IF NOT EXISTS webhook_outbox_state ON webhook_outbox (state, hook_id, sequence);
