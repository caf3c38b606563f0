-- The schema, run by the embedded H2 (PostgreSQL mode) and by PostgreSQL alike. Idempotent on purpose: databases
-- from before this single history (H2's schema_version 1..5, PostgreSQL's 1..2) already hold some or all of it,
-- and this brings any of them to the same schema without touching their rows.
CREATE TABLE IF NOT EXISTS agent (
  login          VARCHAR(64) PRIMARY KEY,
  name           VARCHAR(200) NOT NULL,
  password_hash  VARCHAR(512) NOT NULL,
  roles          VARCHAR(200) NOT NULL,
  buttons        VARCHAR(4000) NOT NULL,
  max_chats      INTEGER NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
ALTER TABLE agent ADD COLUMN IF NOT EXISTS must_change_password BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE IF NOT EXISTS chat (
  id             VARCHAR(64) PRIMARY KEY,
  site           VARCHAR(64) NOT NULL,
  button         VARCHAR(64) NOT NULL,
  session_id     VARCHAR(64) NOT NULL,
  agent_login    VARCHAR(64),
  agent_name     VARCHAR(200),
  state          VARCHAR(16) NOT NULL,
  created_at     BIGINT NOT NULL,
  accepted_at    BIGINT,
  ended_at       BIGINT,
  ended_by       VARCHAR(16),
  rating         INTEGER
);
ALTER TABLE chat ADD COLUMN IF NOT EXISTS visitor_token VARCHAR(64);
CREATE INDEX IF NOT EXISTS chat_created ON chat (created_at);

CREATE TABLE IF NOT EXISTS chat_message (
  chat_id    VARCHAR(64) NOT NULL,
  seq        BIGINT NOT NULL,
  cid        VARCHAR(64) NOT NULL,
  sender     VARCHAR(16) NOT NULL,
  name       VARCHAR(200) NOT NULL,
  text       VARCHAR(16384) NOT NULL,
  at         BIGINT NOT NULL,
  PRIMARY KEY (chat_id, seq),
  CONSTRAINT chat_message_cid UNIQUE (chat_id, sender, cid)
);

CREATE TABLE IF NOT EXISTS left_message (
  id         VARCHAR(64) PRIMARY KEY,
  site       VARCHAR(64) NOT NULL,
  button     VARCHAR(64) NOT NULL,
  name       VARCHAR(200) NOT NULL,
  contact    VARCHAR(200) NOT NULL,
  text       VARCHAR(16384) NOT NULL,
  at         BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS left_message_at ON left_message (at);

CREATE TABLE IF NOT EXISTS audit (
  id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at       BIGINT NOT NULL,
  actor    VARCHAR(64) NOT NULL,
  action   VARCHAR(64) NOT NULL,
  target   VARCHAR(200),
  detail   VARCHAR(1000),
  address  VARCHAR(64)
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
