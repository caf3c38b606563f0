-- The embedded database's V1..V4 in one step, with PostgreSQL types. Column sizes match, so a value too long
-- for one store is too long for the other.
CREATE TABLE agent (
  login          VARCHAR(64) PRIMARY KEY,
  name           VARCHAR(200) NOT NULL,
  password_hash  VARCHAR(512) NOT NULL,
  roles          VARCHAR(200) NOT NULL,
  buttons        VARCHAR(4000) NOT NULL,
  max_chats      INTEGER NOT NULL,
  created_at     TIMESTAMPTZ DEFAULT now()
);

CREATE TABLE chat (
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
  rating         INTEGER,
  visitor_token  VARCHAR(64)
);
CREATE INDEX chat_created ON chat (created_at);
CREATE INDEX chat_live ON chat (state) WHERE state IN ('waiting', 'active');

CREATE TABLE chat_message (
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

CREATE TABLE left_message (
  id         VARCHAR(64) PRIMARY KEY,
  site       VARCHAR(64) NOT NULL,
  button     VARCHAR(64) NOT NULL,
  name       VARCHAR(200) NOT NULL,
  contact    VARCHAR(200) NOT NULL,
  text       VARCHAR(16384) NOT NULL,
  at         BIGINT NOT NULL
);
CREATE INDEX left_message_at ON left_message (at);

CREATE TABLE audit (
  id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at       BIGINT NOT NULL,
  actor    VARCHAR(64) NOT NULL,
  action   VARCHAR(64) NOT NULL,
  target   VARCHAR(200),
  detail   VARCHAR(1000),
  address  VARCHAR(64)
);
CREATE INDEX audit_at ON audit (at);
