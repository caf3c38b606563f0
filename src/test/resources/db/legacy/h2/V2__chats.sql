CREATE TABLE chat (
  id           VARCHAR(64) PRIMARY KEY,
  site         VARCHAR(64) NOT NULL,
  button       VARCHAR(64) NOT NULL,
  session_id   VARCHAR(64) NOT NULL,
  agent_login  VARCHAR(64),
  agent_name   VARCHAR(200),
  state        VARCHAR(16) NOT NULL,
  created_at   BIGINT NOT NULL,
  accepted_at  BIGINT,
  ended_at     BIGINT,
  ended_by     VARCHAR(16),
  rating       INT
);
CREATE INDEX chat_created ON chat (created_at);
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
